"""What the grievance services share: sealing with a context, the deadlines, limits that count no one,
the officers to tell (never the ones a report names), and mail to a reporter who left an address."""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.errors import ServiceError
from conduct.apps.grievances import crypto
from conduct.apps.grievances.models import Grievance, IntakeCounter

log = logging.getLogger("conduct.grievances")
LANGUAGES = ("en", "zh-hans")


class Throttled(ServiceError):
    status = 429
    code = "throttled"


def seal(text: str, field: str) -> str:
    return crypto.seal(text, context=f"grievance.{field}")


def unseal(token: str, field: str) -> str:
    return crypto.unseal(token, context=f"grievance.{field}")


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def deadlines(received_at: datetime) -> tuple[datetime, datetime]:
    """Acknowledge by (GRIEVANCE_ACK_DAYS) and give feedback by (GRIEVANCE_FEEDBACK_MONTHS after the
    acknowledgement deadline, as the Whistleblower Directive counts when no acknowledgement was sent)."""
    ack = received_at + timedelta(days=settings.GRIEVANCE_ACK_DAYS)
    return ack, add_months(ack, settings.GRIEVANCE_FEEDBACK_MONTHS)


def count_global(bucket: str, limit: int) -> None:
    """Count one event in this hour's global bucket; Throttled past `limit` (nothing about the caller is
    kept: the intake paths never see an address)."""
    window = timezone.now().replace(minute=0, second=0, microsecond=0)
    counter, _created = IntakeCounter.objects.get_or_create(bucket=bucket, window=window)
    IntakeCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    if counter.count + 1 > limit:
        raise Throttled(_("Too many requests on this channel just now; please try again in an hour."))


def count_receipt(grievance: Grievance, what: str, limit: int) -> None:
    """Count a follow-up login or a message against the receipt's daily limit; Throttled past it."""
    today = timezone.localdate()
    if grievance.limit_day != today:
        grievance.limit_day, grievance.sessions_today, grievance.messages_today = today, 0, 0
    used = getattr(grievance, what) + 1
    if used > limit:
        raise Throttled(_("This receipt has reached today's limit; please come back tomorrow."))
    setattr(grievance, what, used)
    Grievance.objects.filter(pk=grievance.pk).update(
        limit_day=today, sessions_today=grievance.sessions_today, messages_today=grievance.messages_today
    )


def officers_for(grievance: Grievance | None) -> QuerySet[User]:
    """Active grievance officers, less anyone the report excludes (conflict exclusion)."""
    users = User.objects.filter(role=Role.GRIEVANCE_OFFICER, is_active=True)
    if grievance is not None and grievance.pk:
        users = users.exclude(grievance_exclusions__grievance=grievance)
    return users


def mail_reporter(grievance: Grievance, subject: object, body: object) -> None:
    """Mail a reporter who left an email address, in their language, after the commit; the address is
    neither stored in clear nor logged, and a failure is logged without it. `subject` and `body` are lazy
    translations, rendered in the reporter's language."""
    contact = unseal(grievance.contact_enc, "contact").strip()
    if "@" not in contact or any(ch.isspace() for ch in contact):
        return
    language = grievance.language

    def send() -> None:
        with translation.override(language):
            try:
                send_mail(str(subject), str(body), settings.DEFAULT_FROM_EMAIL, [contact])
            except Exception:  # noqa: BLE001 - the change stands; the reporter can follow up with the receipt
                log.warning("could not mail a reporter", extra={"grievance": grievance.pk})

    transaction.on_commit(send)


def link(grievance: Grievance) -> str:
    return f"/grievances/{grievance.pk}/"
