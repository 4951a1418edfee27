"""Health and safety: incidents recorded by the site's liaison, and the hours worked per site and month (the
denominator of the injury rates, selectors.safety_rates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import raise_if
from conduct.apps.workforce.models import HoursWorked, Incident, IncidentKind, IncidentSeverity, OwnSite
from conduct.apps.workforce.services._common import WorkforceAction, authorize_site, who

MAX_LOST_DAYS = 3650
MAX_MONTH_HOURS = Decimal(1_000_000_000)


def _a_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    try:
        parsed = value if isinstance(value, date) else date.fromisoformat(str(value or ""))
    except ValueError:
        errors[field] = _("A date as YYYY-MM-DD.")
        return None
    if parsed > timezone.localdate():
        errors[field] = _("The date is in the future.")
        return None
    return parsed


@transaction.atomic
def incident_record(
    *,
    actor: Actor,
    site: OwnSite,
    kind: str,
    severity: str,
    date: Any,
    description: str,
    lost_days: int = 0,
) -> Incident:
    authorize_site(actor, "workforce.safety", site)
    errors: dict[str, str] = {}
    if kind not in IncidentKind.values:
        errors["kind"] = _("Expected one of %(v)s.") % {"v": ", ".join(IncidentKind.values)}
    if severity not in IncidentSeverity.values:
        errors["severity"] = _("Expected one of %(v)s.") % {"v": ", ".join(IncidentSeverity.values)}
    when = _a_date(date, "date", errors)
    if isinstance(lost_days, bool) or not isinstance(lost_days, int) or not 0 <= lost_days <= MAX_LOST_DAYS:
        errors["lost_days"] = _("A whole number of days from 0 to %(n)d.") % {"n": MAX_LOST_DAYS}
    text = (description or "").strip()
    if not text or len(text) > 5000 or "\x00" in text:
        errors["description"] = _("A description of 1-5000 characters is required.")
    if kind == IncidentKind.NEAR_MISS and (lost_days or severity != IncidentSeverity.FIRST_AID):
        errors["severity"] = _("A near miss hurt nobody: severity first_aid and no lost days.")
    raise_if(errors, _("The incident is not valid."))
    incident = Incident.objects.create(
        site=site,
        kind=kind,
        severity=severity,
        date=when,
        lost_days=lost_days,
        description=text,
        recorded_by=who(actor),
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.INCIDENT_RECORD,
        object_type="incident",
        object_id=incident.pk,
        summary={"site": site.code, "kind": kind, "severity": severity, "date": when, "lost_days": lost_days},
    )
    return incident


@transaction.atomic
def hours_worked_record(*, actor: Actor, site: OwnSite, month: str, hours: Any) -> HoursWorked:
    """Set the hours worked at a site in a month ("YYYY-MM"); a second record for the month replaces the
    first (the ledger keeps both)."""
    authorize_site(actor, "workforce.safety", site)
    errors: dict[str, str] = {}
    first: date | None = None
    try:
        first = date.fromisoformat(f"{month}-01") if len(str(month)) == 7 else None
    except ValueError:
        first = None
    if first is None:
        errors["month"] = _("A month as YYYY-MM.")
    elif first > timezone.localdate():
        errors["month"] = _("The month has not begun yet.")
    try:
        value = Decimal(str(hours))
        if not value.is_finite() or not 0 <= value <= MAX_MONTH_HOURS or value != round(value, 1):
            raise InvalidOperation
    except InvalidOperation:
        errors["hours"] = _("Hours from 0 to 1,000,000,000, at most one decimal.")
        value = Decimal(0)
    raise_if(errors, _("The hours worked are not valid."))
    row, _created = HoursWorked.objects.update_or_create(
        site=site,
        month=first,
        defaults={"hours": value, "recorded_by": who(actor), "updated_at": timezone.now()},
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.HOURS_WORKED,
        object_type="hours_worked",
        object_id=row.pk,
        summary={"site": site.code, "month": month, "hours": value},
    )
    return row
