"""Writes for notifications: `notify` (called by other services inside their transaction) and the inbox actions.

Email is queued as a background task after the transaction commits (so a rolled-back change never
announces itself and a slow mail server never slows a request); a failing mail server is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.notifications.models import Notification

log = logging.getLogger("conduct.notifications")


def notify(
    *, users: Iterable[User], kind: str, text: str, link: str = "", email: bool = True
) -> list[Notification]:
    """One in-app notification per (distinct, active) user, and an email to each that has an address."""
    if kind not in Notification.Kind.values:
        raise Invalid("Unknown notification kind.", fields={"kind": f"Expected one of {', '.join(Notification.Kind.values)}."})
    seen: set[int] = set()
    recipients = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(user)
    rows = Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, text=text[:500], link=link[:300]) for u in recipients]
    )
    if email:
        addresses = [u.email for u in recipients if u.email]
        if addresses:
            transaction.on_commit(lambda: _queue(addresses, kind, text, link))
    return rows


def _queue(addresses: list[str], kind: str, text: str, link: str) -> None:
    from conduct.apps.notifications.tasks import send_notification_email

    try:
        send_notification_email.enqueue(addresses, kind, text, link)
    except Exception:  # noqa: BLE001 - a queue failure must not break the change that was already committed
        log.exception("could not queue a notification email", extra={"kind": kind})


def send_now(addresses: list[str], kind: str, text: str, link: str) -> int:
    """Send one message per address (recipients do not see one another); returns how many went out."""
    sent = 0
    subject = f"[Conduct] {dict(Notification.Kind.choices)[kind]}: {text}"[:150]
    body = f"{text}\n\nOpen it in Conduct: {link}\n" if link else f"{text}\n"
    for address in addresses:  # one message each: recipients do not see one another
        try:
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # noqa: BLE001 - mail trouble must not break the change that was already committed
            log.exception("could not send a notification email", extra={"kind": kind})
    return sent


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    require(actor, "notifications.own")
    notification = Notification.objects.filter(pk=notification_id, user=actor, cleared_at__isnull=True).first()
    if notification is None:
        raise NotFound(f"No notification {notification_id} of yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        ledger_append(actor=actor, action="notification.read", object_type="notification", object_id=notification.pk,
                      summary={"kind": notification.kind})
    return notification


@transaction.atomic
def notification_clear_all(*, actor: User) -> int:
    """Mark every notification of the actor read and take it off their list."""
    require(actor, "notifications.own")
    now = timezone.now()
    mine = Notification.objects.filter(user=actor, cleared_at__isnull=True)
    mine.filter(read_at__isnull=True).update(read_at=now)
    cleared = mine.update(cleared_at=now)
    if cleared:
        ledger_append(actor=actor, action="notification.clear", object_type="user", object_id=actor.pk,
                      summary={"cleared": cleared})
    return cleared
