"""Reviewing an alert: confirm it (a true match), dismiss it with a reason, or escalate it to a case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.models import Alert, AlertStatus, PartyKind, ReviewAction
from conduct.apps.screening.services._common import user_or_none
from conduct.apps.screening.services.matches import history_add, ledger_alert
from conduct.events import emit, handlers
from conduct.events.screening import AlertEscalated

DECISIONS = ("confirm", "dismiss", "escalate")
MAX_REASON = 5000


class EscalationUnhandled(RuntimeError):
    """No app answered AlertEscalated with a case: governance (which opens it) is not installed or
    registered."""


def _check_review(decision: str, reason: str) -> str:
    """The reason, stripped; Invalid naming the fields when the review is not valid."""
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = _("Expected one of %(decisions)s.") % {"decisions": ", ".join(DECISIONS)}
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        errors["reason"] = _("At most %(max_reason)s characters.") % {"max_reason": MAX_REASON}
    elif not reason and decision in ("dismiss", "escalate"):
        errors["reason"] = _("Say why: a dismissal or an escalation needs its reason.")
    if errors:
        raise Invalid(_("The review is not valid."), fields=errors)
    return reason


@transaction.atomic
def alert_review(*, actor: Actor, alert: Alert, decision: str, reason: str = "") -> Alert:
    """Record a review. A confirmation feeds the party's risk and blocks gates; a dismissal is remembered
    until the listed entry (or the party) changes; an escalation opens a case for the compliance officers."""
    authorize(actor, "screening.review", unit=alert.party.org_unit)
    reason = _check_review(decision, reason)
    locked = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("party", "watch_list", "entry_version")
        .get(pk=alert.pk)
    )
    before = locked.status
    if before == AlertStatus.CLOSED:
        raise Conflict(_("This alert is closed: the entry no longer matches or has left the list."))
    if decision == "escalate":
        return _escalate(actor, locked, reason)
    target = AlertStatus.CONFIRMED if decision == "confirm" else AlertStatus.DISMISSED
    if before == target:
        raise Conflict(_("This alert is already %(target)s.") % {"target": target})
    now = timezone.now()
    locked.status = target
    locked.reason = reason
    locked.reviewed_by = user_or_none(actor)
    locked.reviewed_at = now
    locked.reviewed_entry_hash = locked.entry_hash
    locked.reviewed_party_fingerprint = locked.party.fingerprint
    locked.updated_at = now
    locked.save()
    confirmed = decision == "confirm"
    history_add(
        locked,
        str(ReviewAction.CONFIRMED) if confirmed else str(ReviewAction.DISMISSED),
        before,
        actor,
        reason,
    )
    action = LedgerAction.ALERT_CONFIRM if confirmed else LedgerAction.ALERT_DISMISS
    ledger_alert(locked, action, actor, reason=reason, previous_status=before)
    return locked


def _escalate(actor: Actor, alert: Alert, reason: str) -> Alert:
    """Open a case for the officers through AlertEscalated (governance answers with the case) and link it."""
    if alert.status != AlertStatus.OPEN:
        raise Conflict(_("Only an open alert is escalated; this one has been reviewed."))
    if alert.case_id is not None:
        raise Conflict(_("This alert was escalated already (case %(case_id)s).") % {"case_id": alert.case_id})
    party = alert.party
    event = AlertEscalated(
        actor=actor,
        alert=alert,
        title=f"Screening alert: {party.name} may be {alert.entry_name} ({alert.watch_list.name})"[:300],
        description=(
            f"{party.get_kind_display()} {party.name} ({party.reference}) matches {alert.matched_name} on "
            f"{alert.watch_list.title} ({alert.list_kind}), entry {alert.source_id}, "
            f"score {alert.score:.2f}.\n"
            f"{alert.explanation.get('summary', '')}\n\nEscalated because: {reason}"
        ),
        dimension="supply_chain" if party.kind == PartyKind.SUPPLIER else "product",
        org_unit=party.org_unit,
        subject_ref=f"alert {alert.pk}",
    )
    cases = [case for case in emit(event) if case is not None]
    if not cases:
        raise EscalationUnhandled(
            f"No handler of AlertEscalated opened a case for alert {alert.pk} (handlers: "
            f"{', '.join(handlers(AlertEscalated)) or 'none'}); is governance installed?"
        )
    case = cases[0]
    alert.case = case
    alert.updated_at = timezone.now()
    alert.save(update_fields=["case", "updated_at"])
    history_add(alert, str(ReviewAction.ESCALATED), alert.status, actor, f"Case {case.pk}: {reason}")
    ledger_alert(alert, LedgerAction.ALERT_ESCALATE, actor, reason=reason, case=case.pk)
    return alert
