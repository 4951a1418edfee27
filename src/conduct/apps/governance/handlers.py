"""How governance reacts to other apps' events (registered in GovernanceConfig.ready): each opens cases.

Every handler runs inside the emitter's transaction and returns what it opened, so the emitter can link to it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from conduct.apps.governance.models import OFFICERS_QUEUE, Case, Dimension, HumanRight
from conduct.apps.governance.services import CaseSpec, case_open, case_open_many, case_reopen_flagged
from conduct.events import subscribe
from conduct.events.gates import GateDecisionFlagged, GateReviewRequested
from conduct.events.incidents import AccessIncidentRaised, GrievanceRaised
from conduct.events.screening import AlertEscalated


@subscribe(GateReviewRequested, name="governance.open_review_cases")
def open_review_cases(event: GateReviewRequested) -> list[Case]:
    """One case per referral of the gate decision, for the committee it names (or the officers' queue). The
    decision's own ledger entry (`ledger_first`) goes on the chain just ahead of the cases'."""
    decision = event.decision
    return case_open_many(
        actor=event.actor,
        specs=[
            CaseSpec(
                title=event.title,
                description="\n".join(r.message for r in event.reasons if r.rule in referral.rules),
                dimension=event.dimension,
                queue=referral.to,
                source=str(Case.Source.GATE),
                gate_decision=decision,
                org_unit=decision.org_unit,
            )
            for referral in event.referrals
        ],
        ledger_first=event.ledger_first,
        audience=event.audience,
    )


@subscribe(GateDecisionFlagged, name="governance.reopen_flagged_decision_cases")
def reopen_flagged_decision_cases(event: GateDecisionFlagged) -> list[Case]:
    """A re-check found an earlier allowed or approved gate decision that the current data would deny: reopen
    its decided or closed cases (open ones stay open) or, when it had none, open one for the officers."""
    decision = event.decision
    cases = list(Case.objects.filter(gate_decision=decision).order_by("pk"))
    if cases:
        return [case_reopen_flagged(actor=event.actor, case=case, reason=event.description) for case in cases]
    return [
        case_open(
            actor=event.actor,
            title=event.title,
            description=event.description,
            dimension=Dimension.PRODUCT if decision.gate != "supplier_onboarding" else Dimension.SUPPLY_CHAIN,
            queue=OFFICERS_QUEUE,
            source=Case.Source.GATE,
            gate_decision=decision,
            org_unit=decision.org_unit,
        )
    ]


@subscribe(AlertEscalated, name="governance.open_alert_case")
def open_alert_case(event: AlertEscalated) -> Case:
    """An analyst escalated a screening alert: a case on the compliance officers' queue."""
    return case_open(
        actor=event.actor,
        title=event.title,
        description=event.description,
        dimension=event.dimension,
        queue=OFFICERS_QUEUE,
        source=Case.Source.SCREENING,
        org_unit=event.org_unit,
        subject_type=Case.SubjectType.SCREENING_ALERT,
        subject_ref=event.subject_ref,
    )


@subscribe(GrievanceRaised, name="governance.open_grievance_case")
def open_grievance_case(event: GrievanceRaised) -> Case:
    """A grievance officer escalated a grievance: a case on the compliance officers' queue."""
    return case_open(
        actor=event.actor,
        title=event.title,
        dimension=event.dimension,
        queue=OFFICERS_QUEUE,
        source=Case.Source.GRIEVANCE,
        org_unit=event.org_unit,
        rights=list(event.rights),
        subject_type=Case.SubjectType.GRIEVANCE,
        subject_ref=event.grievance_ref,
    )


@subscribe(AccessIncidentRaised, name="governance.open_access_incident_case")
def open_access_incident_case(event: AccessIncidentRaised) -> Case:
    """A device was accessed without a grant covering it: an incident case (product, privacy) for the
    officers."""
    customer = getattr(event.customer, "name", event.customer)
    return case_open(
        actor=event.actor,
        title=event.title,
        description=_("Device %(serial)s (customer %(customer)s): %(event)s.")
        % {"serial": event.device_serial, "customer": customer, "event": event.event_ref},
        dimension=Dimension.PRODUCT,
        queue=OFFICERS_QUEUE,
        source=Case.Source.ACCESS_INCIDENT,
        org_unit=event.org_unit,
        rights=[HumanRight.PRIVACY],
        subject_type=Case.SubjectType.ACCESS_EVENT,
        subject_ref=event.event_ref,
    )
