"""Certificate expiry reminders: to the supplier's contacts and to the liaisons of the owning org unit.

A certificate gets one reminder per threshold (settings CERT_REMINDER_DAYS, default 90, 30, 7 and 0 days
before it runs out) for each expiry date it has: renewing it (a later valid_until) starts again. A
certificate already superseded by a later one of the same standard is not reminded about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import Liaison, OrgUnit, User
from conduct.apps.audit.services import ledger_append
from conduct.apps.notifications.services import notify
from conduct.apps.suppliers.conf import reminder_days
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import Certificate, CertificateReminder


@dataclass(frozen=True)
class ReminderSummary:
    certificates: int
    emails: int


def owning_liaisons(unit: OrgUnit) -> list[User]:
    """The liaisons of the unit, or of its nearest ancestor that has any."""
    by_unit: dict[int, list[User]] = {}
    for liaison in Liaison.objects.filter(
        org_unit_id__in=unit.ancestor_ids, user__is_active=True
    ).select_related("user"):
        by_unit.setdefault(liaison.org_unit_id, []).append(liaison.user)
    for unit_id in reversed(unit.ancestor_ids):
        if unit_id in by_unit:
            return by_unit[unit_id]
    return []


def _threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    reached = [t for t in thresholds if t >= days_left]
    return min(reached) if reached else None


def _notify_in_app(users: list[User], text: str, link: str) -> None:
    notify(users=users, kind="deadline", text=text[:500], link=link, email=False)


def _due(today: date, thresholds: tuple[int, ...]) -> Any:
    """Certificates (not withdrawn, not superseded by a later one of the same standard) that run out within
    the largest threshold."""
    horizon = today.toordinal() + max(thresholds)
    newer = Certificate.objects.filter(
        supplier=OuterRef("supplier"),
        standard=OuterRef("standard"),
        valid_until__gt=OuterRef("valid_until"),
        withdrawn_at__isnull=True,
    )
    return (
        Certificate.objects.filter(
            supplier__isnull=False,  # an own site's certificate has no supplier contacts to remind
            withdrawn_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=date.fromordinal(horizon),
        )
        .exclude(Exists(newer))
        .select_related("supplier", "supplier__org_unit")
        .prefetch_related("supplier__contacts")
        .order_by("valid_until", "id")
    )


def _remind(
    cert: Certificate, days_left: int, liaisons: list[User], messages: list[EmailMessage]
) -> list[str]:
    """Write the reminder emails of one certificate (to its supplier's contacts and to the owning liaisons)
    and notify the liaisons in the app. Returns the addresses written to."""
    supplier = cert.supplier
    when = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
    subject = (
        f"{cert.standard} certificate {cert.number} of {supplier.name} expires {when} ({cert.valid_until})"
    )
    body = (
        f"The {cert.standard} certificate {cert.number} of {supplier.name}, "
        f"issued by {cert.issuer or 'its certifier'}, is valid until {cert.valid_until.isoformat()}.\n\n"
    )
    contacts = sorted({c.email for c in supplier.contacts.all() if c.receives_reminders and c.email})
    liaison_emails = sorted({u.email for u in liaisons if u.email})
    if contacts:
        messages.append(
            EmailMessage(
                subject,
                body + "Please send us the renewed certificate through the supplier "
                "portal before it runs out.\n",
                settings.DEFAULT_FROM_EMAIL,
                contacts,
            )
        )
    if liaison_emails:
        messages.append(
            EmailMessage(
                subject,
                body + f"Supplier page: /suppliers/{supplier.pk}/\n",
                settings.DEFAULT_FROM_EMAIL,
                liaison_emails,
            )
        )
    _notify_in_app(liaisons, subject, f"/suppliers/{supplier.pk}/")
    return [*contacts, *liaison_emails]


@transaction.atomic
def certificate_reminders_send(*, today: date | None = None) -> ReminderSummary:
    today = today or timezone.localdate()
    thresholds = reminder_days()
    if not thresholds:
        return ReminderSummary(0, 0)
    due = _due(today, thresholds)
    sent = {
        (r.certificate_id, r.valid_until, r.threshold_days)
        for r in CertificateReminder.objects.filter(certificate__in=due, valid_until__gte=today)
    }
    messages: list[EmailMessage] = []
    reminders: list[CertificateReminder] = []
    liaisons_of: dict[int, list[User]] = {}
    for cert in due:
        days_left = (cert.valid_until - today).days
        threshold = _threshold(days_left, thresholds)
        if threshold is None or (cert.pk, cert.valid_until, threshold) in sent:
            continue
        unit = cert.supplier.org_unit
        if unit.pk not in liaisons_of:
            liaisons_of[unit.pk] = owning_liaisons(unit)
        recipients = _remind(cert, days_left, liaisons_of[unit.pk], messages)
        reminders.append(
            CertificateReminder(
                certificate=cert,
                valid_until=cert.valid_until,
                threshold_days=threshold,
                recipients=recipients,
            )
        )
    if not reminders:
        return ReminderSummary(0, 0)
    CertificateReminder.objects.bulk_create(reminders)
    ledger_append(
        actor=SYSTEM,
        action=SupplierAction.CERTIFICATE_REMINDERS,
        object_type="certificate",
        object_id="*",
        summary={
            "certificates": [r.certificate_id for r in reminders][:200],
            "count": len(reminders),
            "emails": len(messages),
            "date": today,
        },
    )
    # Send after commit: a rolled-back run announces nothing, and a mail failure is retried tomorrow.
    transaction.on_commit(lambda: get_connection(fail_silently=True).send_messages(messages))
    return ReminderSummary(len(reminders), len(messages))
