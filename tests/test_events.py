"""Domain events: the dispatcher's order and transaction, and each handler gates and governance register."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import transaction

from conduct.apps.accounts.actors import CLI, SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.audit.services import LedgerItem
from conduct.apps.errors import Conflict
from conduct.apps.gates import services as gate_services
from conduct.apps.gates.actions import GateAction
from conduct.apps.gates.models import GateDecision
from conduct.apps.governance.models import OFFICERS_QUEUE, Case
from conduct.events import Event, emit, handlers, subscribe
from conduct.events.access import DeviceInstallersChanged
from conduct.events.gates import GateReviewRequested, decision_for, gate_decide
from conduct.events.governance import GateReviewDecided, review_audience, visible_case_ids
from conduct.events.incidents import AccessIncidentRaised, GrievanceLinkedToSupplier, GrievanceRaised
from conduct.events.reports import visible_risk_codes
from conduct.events.screening import AlertEscalated
from tests.apps.governance.conftest import TEC_DEAL
from tests.factories.gates import GateDecisionFactory
from tests.factories.governance import CaseFactory, CommitteeMemberFactory, OrgUnitFactory, UserFactory

# --- the dispatcher ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pinged(Event):
    """A test-only event: each test that subscribes to it uses its own subclass, so nothing leaks."""

    value: int


def test_handlers_run_in_registration_order_and_their_results_come_back_in_that_order() -> None:
    @dataclass(frozen=True)
    class Ordered(Pinged):
        pass

    calls: list[str] = []

    @subscribe(Ordered, name="first")
    def first(event: Ordered) -> int:
        calls.append("first")
        return event.value + 1

    @subscribe(Ordered, name="second")
    def second(event: Ordered) -> int:
        calls.append("second")
        return event.value * 10

    assert emit(Ordered(value=2)) == [3, 20]
    assert calls == ["first", "second"]
    assert handlers(Ordered) == ["first", "second"]


def test_registering_a_name_again_replaces_the_handler_in_place() -> None:
    @dataclass(frozen=True)
    class Replaced(Pinged):
        pass

    subscribe(Replaced, name="a")(lambda event: "a1")
    subscribe(Replaced, name="b")(lambda event: "b")
    subscribe(Replaced, name="a")(lambda event: "a2")
    assert emit(Replaced(value=0)) == ["a2", "b"]


def test_an_event_nobody_handles_returns_no_results() -> None:
    @dataclass(frozen=True)
    class Unheard(Pinged):
        pass

    assert emit(Unheard(value=1)) == []


@pytest.mark.django_db
def test_a_handler_that_fails_propagates_and_rolls_back_the_emitters_transaction() -> None:
    @dataclass(frozen=True)
    class Failing(Pinged):
        pass

    @subscribe(Failing, name="writes")
    def writes(event: Failing) -> OrgUnit:
        return OrgUnitFactory(code="rolled-back")

    @subscribe(Failing, name="fails")
    def fails(event: Failing) -> None:
        raise Conflict("No.")

    with pytest.raises(Conflict), transaction.atomic():
        emit(Failing(value=1))
    assert not OrgUnit.objects.filter(code="rolled-back").exists()


def test_gates_and_governance_register_their_handlers_and_providers() -> None:
    assert handlers(GateReviewRequested) == ["governance.open_review_cases"]
    assert handlers(GateReviewDecided) == ["gates.resolve_decision"]
    assert handlers(AlertEscalated) == ["governance.open_alert_case"]
    assert handlers(GrievanceRaised) == ["governance.open_grievance_case"]
    assert handlers(GrievanceLinkedToSupplier) == ["suppliers.record_grievance_finding"]
    assert handlers(AccessIncidentRaised) == ["governance.open_access_incident_case"]
    assert handlers(DeviceInstallersChanged) == ["screening.register_installers"]
    assert review_audience.registered and decision_for.registered and gate_decide.registered
    assert visible_case_ids.registered and visible_risk_codes.registered


# --- governance's handlers ---------------------------------------------------------------------


def _ledger_since(seq: int) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _last_seq() -> int:
    last = LedgerEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


@pytest.mark.django_db
def test_a_requested_review_opens_a_case_per_referral_after_the_decisions_own_ledger_entry() -> None:
    unit = OrgUnitFactory()
    member = CommitteeMemberFactory()
    decision = GateDecisionFactory(org_unit=unit)
    entry = LedgerItem(GateAction.DECIDE, "gate_decision", decision.pk, {"outcome": "review"})
    before = _last_seq()
    reasons = (
        SimpleNamespace(rule="r1", message="Needs the committee."),
        SimpleNamespace(rule="r2", message="x"),
    )
    referrals = (
        SimpleNamespace(to=member.committee.slug, rules=("r1",)),
        SimpleNamespace(to=OFFICERS_QUEUE, rules=("r2",)),
    )

    [cases] = emit(
        GateReviewRequested(
            actor=CLI,
            decision=decision,
            title="Sales deal review",
            dimension="product",
            referrals=referrals,
            reasons=reasons,
            ledger_first=(entry,),
        )
    )

    assert [c.queue for c in cases] == [member.committee.slug, OFFICERS_QUEUE]
    assert cases[0].committee == member.committee and cases[0].description == "Needs the committee."
    assert all(c.gate_decision == decision and c.source == Case.Source.GATE for c in cases)
    assert all(c.org_unit == unit and c.subject_ref == decision.reference for c in cases)
    ledger = _ledger_since(before)
    assert [(e.action, e.object_id) for e in ledger] == [
        ("gate.decide", str(decision.pk)),
        ("case.open", str(cases[0].pk)),
        ("case.open", str(cases[1].pk)),
    ]
    assert {e.actor for e in ledger} == {"cli"}


@pytest.mark.django_db
def test_a_recorded_review_decision_opens_its_cases_in_the_same_append() -> None:
    """Through the gate service: the decision's entry, then its cases', as before the events."""
    before = _last_seq()
    decided = gate_services.gate_decide(
        actor=UserFactory(), gate="sales_deal", subject=dict(TEC_DEAL, reference="EV-1")
    )
    cases = list(decided.decision.cases.order_by("pk"))
    assert decided.decision.opened_case_ids == [c.pk for c in cases] and cases
    actions = [(e.action, e.object_id) for e in _ledger_since(before) if e.action != "policy.version_seen"]
    assert actions == [("gate.decide", str(decided.decision.pk)), *(("case.open", str(c.pk)) for c in cases)]


@pytest.mark.django_db
def test_a_decided_review_resolves_the_gate_decision_once() -> None:
    decision = GateDecisionFactory()
    case = CaseFactory(gate_decision=decision)
    before = _last_seq()

    [resolved] = emit(
        GateReviewDecided(actor=SYSTEM, gate_decision=decision, outcome="deny", rationale="No.", case=case)
    )

    assert isinstance(resolved, GateDecision)
    assert (resolved.resolution_outcome, resolved.resolution_case_id) == ("deny", case.pk)
    assert resolved.effective_outcome == "deny" and resolved.resolved_at is not None
    [entry] = _ledger_since(before)
    assert (entry.action, entry.object_id, entry.summary["case"]) == (
        "gate.resolve",
        str(decision.pk),
        case.pk,
    )
    with pytest.raises(Conflict):
        emit(
            GateReviewDecided(
                actor=SYSTEM, gate_decision=decision, outcome="allow", rationale="Yes.", case=case
            )
        )


@pytest.mark.django_db
def test_an_escalated_alert_opens_a_case_on_the_officers_queue() -> None:
    unit = OrgUnitFactory()
    officer = UserFactory()
    [case] = emit(
        AlertEscalated(
            actor=officer,
            alert=None,
            title="Screening alert: Acme may be listed",
            description="Matches an entry.",
            dimension="supply_chain",
            org_unit=unit,
            subject_ref="alert 7",
        )
    )
    assert (case.queue, case.committee, case.source) == (OFFICERS_QUEUE, None, Case.Source.SCREENING)
    assert (case.subject_type, case.subject_ref, case.org_unit) == ("screening_alert", "alert 7", unit)
    assert case.opened_by == f"user:{officer.pk}:{officer.username}"
    assert LedgerEntry.objects.filter(action="case.open", object_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_a_raised_grievance_opens_an_officers_case_with_its_rights() -> None:
    [case] = emit(
        GrievanceRaised(
            actor=SYSTEM,
            grievance_ref="grievance 12",
            title="Unpaid overtime",
            dimension="labour",
            rights=("working_conditions",),
        )
    )
    assert (case.queue, case.source, case.subject_type) == (OFFICERS_QUEUE, "grievance", "grievance")
    assert (case.subject_ref, case.rights) == ("grievance 12", ["working_conditions"])


@pytest.mark.django_db
def test_an_access_incident_opens_a_privacy_case_for_the_officers() -> None:
    customer = SimpleNamespace(name="Metro Police")
    [case] = emit(
        AccessIncidentRaised(
            actor=SYSTEM,
            event_ref="access event 7",
            device_serial="SN-1",
            customer=customer,
            title="Access without a grant",
        )
    )
    assert (case.queue, case.source, case.dimension) == (OFFICERS_QUEUE, "access_incident", "product")
    assert (case.subject_type, case.subject_ref, case.rights) == (
        "access_event",
        "access event 7",
        ["privacy"],
    )
    assert "SN-1" in case.description and "Metro Police" in case.description


@pytest.mark.django_db
def test_a_grievance_linked_to_a_supplier_becomes_an_open_finding_and_a_corrective_action() -> None:
    from tests.factories.suppliers import SupplierFactory

    supplier = SupplierFactory()
    [finding] = emit(
        GrievanceLinkedToSupplier(
            actor=SYSTEM, grievance_ref="grievance 31", supplier=supplier, corrective_action=True
        )
    )
    assert (finding.supplier_id, finding.severity, finding.is_open) == (supplier.pk, "major", True)
    assert finding.requirement == "urn:conduct:ungp:UNGP-31" and "grievance 31" in finding.description
    assert finding.action.owner == supplier.name
    assert LedgerEntry.objects.filter(action__startswith="finding.", object_id=str(finding.pk)).exists()
