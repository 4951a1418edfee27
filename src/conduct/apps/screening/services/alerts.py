"""Reviewing an alert: confirm it (a true match), dismiss it with a reason, or escalate it to a case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require, require_unit
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.screening.models import Alert, AlertStatus, PartyKind, ReviewAction
from conduct.apps.screening.services.parties import history_add, ledger_alert

DECISIONS = ("confirm", "dismiss", "escalate")
MAX_REASON = 5000


@transaction.atomic
def alert_review(*, actor: User, alert: Alert, decision: str, reason: str = "") -> Alert:
    """Record a review. A confirmation feeds the party's risk and blocks gates; a dismissal is remembered until
    the listed entry (or the party) changes; an escalation opens a case for the compliance officers."""
    require(actor, "screening.review")
    require_unit(actor, "screening.review", alert.party.org_unit)
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = f"Expected one of {', '.join(DECISIONS)}."
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        errors["reason"] = f"At most {MAX_REASON} characters."
    elif not reason and decision in ("dismiss", "escalate"):
        errors["reason"] = "Say why: a dismissal or an escalation needs its reason."
    if errors:
        raise Invalid("The review is not valid.", fields=errors)
    locked = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("party", "watch_list", "entry_version")
        .get(pk=alert.pk)
    )
    before = locked.status
    if before == AlertStatus.CLOSED:
        raise Conflict("This alert is closed: the entry no longer matches or has left the list.")
    if decision == "escalate":
        return _escalate(actor, locked, reason)
    target = AlertStatus.CONFIRMED if decision == "confirm" else AlertStatus.DISMISSED
    if before == target:
        raise Conflict(f"This alert is already {target}.")
    now = timezone.now()
    locked.status = target
    locked.reason = reason
    locked.reviewed_by = actor
    locked.reviewed_at = now
    locked.reviewed_entry_hash = locked.entry_hash
    locked.reviewed_party_fingerprint = locked.party.fingerprint
    locked.updated_at = now
    locked.save()
    history_add(
        locked,
        ReviewAction.CONFIRMED if decision == "confirm" else ReviewAction.DISMISSED,
        before,
        actor,
        reason,
    )
    ledger_alert(locked, decision, actor, reason=reason, previous_status=before)
    return locked


def _escalate(actor: User, alert: Alert, reason: str) -> Alert:
    from conduct.apps.governance.models import OFFICERS_QUEUE, Case
    from conduct.apps.governance.services import case_open

    if alert.status != AlertStatus.OPEN:
        raise Conflict("Only an open alert is escalated; this one has been reviewed.")
    if alert.case_id is not None:
        raise Conflict(f"This alert was escalated already (case {alert.case_id}).")
    party = alert.party
    case = case_open(
        actor=actor,
        title=f"Screening alert: {party.name} may be {alert.entry_name} ({alert.watch_list.name})"[:300],
        description=(
            f"{party.get_kind_display()} {party.name} ({party.reference}) matches {alert.matched_name} on "
            f"{alert.watch_list.title} ({alert.list_kind}), entry {alert.source_id}, score {alert.score:.2f}.\n"
            f"{alert.explanation.get('summary', '')}\n\nEscalated because: {reason}"
        ),
        dimension="supply_chain" if party.kind == PartyKind.SUPPLIER else "product",
        queue=OFFICERS_QUEUE,
        source=Case.Source.SCREENING,
        org_unit=party.org_unit,
        subject_type=Case.SubjectType.SCREENING_ALERT,
        subject_ref=f"alert {alert.pk}",
    )
    alert.case = case
    alert.updated_at = timezone.now()
    alert.save(update_fields=["case", "updated_at"])
    history_add(alert, ReviewAction.ESCALATED, alert.status, actor, f"Case {case.pk}: {reason}")
    ledger_alert(alert, "escalate", actor, reason=reason, case=case.pk)
    return alert
