"""Writes for notifications: `notify` (called by other services inside their transaction) and the inbox
actions.

Email is sent by a background task, never on the request path, and only for a change that committed: with
the database task backend (the default) the task row is written in the change's own transaction (an outbox:
a rollback drops both, and the request makes no second write after its commit); with any other backend the
task is queued after the commit (a failure to queue it is logged; in the outbox a failure to write the task
fails the change, like any of its writes). A failing mail server is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.notifications.ledger_actions import NotificationAction
from conduct.apps.notifications.messages import Message
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.tasks import send_notification_email, send_notification_emails

log = logging.getLogger("conduct.notifications")


@dataclass(frozen=True)
class Notice:
    """One message for some users: an in-app notification each, and an email to those with an address."""

    users: Iterable[User]
    kind: str
    text: str | Message
    link: str = ""


# One email job: addresses, kind, text, link, and the language the subject and body are written in.
Email = tuple[list[str], str, str, str, str]


def notify(
    *, users: Iterable[User], kind: str, text: str | Message, link: str = "", email: bool = True
) -> list[Notification]:
    """One in-app notification per (distinct, active) user, and an email to each that has an address."""
    return notify_many(notices=[Notice(users, kind, text, link)], email=email)


def notify_many(*, notices: Sequence[Notice], email: bool = True) -> list[Notification]:
    """Several notices in one write, and their emails in one background task after the commit."""
    kinds = Notification.Kind.values
    unknown = [n.kind for n in notices if n.kind not in kinds]
    if unknown:
        raise Invalid(
            _("Unknown notification kind."),
            fields={"kind": _("Expected one of %(kinds)s.") % {"kinds": ", ".join(kinds)}},
        )
    rows: list[Notification] = []
    emails: list[Email] = []
    for notice in notices:
        seen: set[int] = set()
        recipients = []
        for user in notice.users:
            if user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            recipients.append(user)
        text, template, params = _texts(notice.text)
        rows.extend(
            Notification(
                user=u, kind=notice.kind, text=text, template=template, params=params, link=notice.link[:300]
            )
            for u in recipients
        )
        if email:
            emails.extend(_emails(notice, recipients))
    created = Notification.objects.bulk_create(rows)
    if emails:
        if _tasks_in_this_database() and transaction.get_connection().in_atomic_block:
            _enqueue(emails)
        else:
            transaction.on_commit(lambda: _queue(emails))
    return created


def _texts(text: str | Message) -> tuple[str, str, dict[str, object]]:
    """The stored text (English), and for a message its source and values (rendered per reader)."""
    if isinstance(text, Message):
        return text.render(settings.LANGUAGE_CODE)[:500], text.msgid[:500], text.params
    return str(text)[:500], "", {}


def _emails(notice: Notice, recipients: list[User]) -> list[Email]:
    """One email job per language among the recipients with an address (their own, else the site's)."""
    by_language: dict[str, list[str]] = {}
    for user in recipients:
        if user.email:
            by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user.email)
    jobs = []
    for language, addresses in by_language.items():
        text = notice.text.render(language) if isinstance(notice.text, Message) else str(notice.text)
        jobs.append((addresses, notice.kind, text, notice.link, language))
    return jobs


def _tasks_in_this_database() -> bool:
    return bool(settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend")


def _enqueue(emails: list[Email]) -> None:
    if len(emails) == 1:
        send_notification_email.enqueue(*emails[0])
    else:
        send_notification_emails.enqueue([list(e) for e in emails])


def _queue(emails: list[Email]) -> None:
    try:
        _enqueue(emails)
    except Exception:  # noqa: BLE001 - a queue failure must not break the change that was already committed
        log.exception("could not queue a notification email", extra={"kinds": sorted({e[1] for e in emails})})


# The inbox is a user's own: a system actor has none, so these take a user.


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    authorize(actor, "notifications.own")
    notification = Notification.objects.filter(
        pk=notification_id, user=actor, cleared_at__isnull=True
    ).first()
    if notification is None:
        raise NotFound(
            _("No notification %(notification_id)s of yours.") % {"notification_id": notification_id}
        )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        ledger_append(
            actor=actor,
            action=NotificationAction.READ,
            object_type="notification",
            object_id=notification.pk,
            summary={"kind": notification.kind},
        )
    return notification


@transaction.atomic
def notification_clear_all(*, actor: User) -> int:
    """Mark every notification of the actor read and take it off their list."""
    authorize(actor, "notifications.own")
    now = timezone.now()
    mine = Notification.objects.filter(user=actor, cleared_at__isnull=True)
    mine.filter(read_at__isnull=True).update(read_at=now)
    cleared = mine.update(cleared_at=now)
    if cleared:
        ledger_append(
            actor=actor,
            action=NotificationAction.CLEAR,
            object_type="user",
            object_id=actor.pk,
            summary={"cleared": cleared},
        )
    return cleared
