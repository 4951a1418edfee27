"""Votes and decisions. A committee decides when its rule is met (rules.tally); an officers'-queue case is
decided by one compliance officer. A binding decision on a gate review resolves the gate decision, and the
conditions it carries become recommendations routed to the unit's liaisons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Conflict, Forbidden, Invalid, raise_if
from conduct.apps.gates.models import GATE_LABELS
from conduct.apps.governance import rules
from conduct.apps.governance.actions import GovernanceAction
from conduct.apps.governance.models import (
    Case,
    CaseDecision,
    Committee,
    CommitteeMember,
    DecisionOutcome,
    Recommendation,
    Vote,
    VoteChoice,
)
from conduct.apps.governance.services._common import (
    case_link,
    clean_conditions,
    clean_text,
    conflicted_user_ids,
    require_participant,
    seat,
    voting_seats,
)
from conduct.apps.governance.services.recommendations import recommendation_record
from conduct.apps.notifications.messages import lowered, message
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import notify
from conduct.events import emit
from conduct.events.governance import GateReviewDecided

# Days a liaison has to meet a condition of a decision.
CONDITION_DUE_DAYS = 30
GATE_OUTCOME: dict[str, str] = {
    str(DecisionOutcome.APPROVE): "allow",
    str(DecisionOutcome.APPROVE_WITH_CONDITIONS): "allow",
    str(DecisionOutcome.REJECT): "deny",
}


@dataclass(frozen=True)
class Voted:
    vote: Vote
    tally: rules.Tally
    decision: CaseDecision | None


def committee_rule(committee: Committee) -> rules.DecisionRule:
    return rules.DecisionRule(
        quorum_ratio=Fraction(str(committee.quorum_ratio)),
        majority=committee.majority,
        chair_breaks_ties=committee.chair_breaks_ties,
    )


def decision_rule(case: Case) -> rules.DecisionRule:
    assert case.committee is not None
    return committee_rule(case.committee)


def current_tally(case: Case) -> rules.Tally | None:
    """The committee's tally for the case's current round (None for the officers' queue)."""
    if case.committee_id is None:
        return None
    conflicted = conflicted_user_ids(case)
    seats = [m for m in voting_seats(case) if m.user_id not in conflicted]
    chair = next((m.user.username for m in seats if m.role == CommitteeMember.Role.CHAIR), None)
    votes = Vote.objects.filter(case=case, round=case.round).select_related("voter")
    ballots = [rules.Ballot(v.voter.username, v.choice, tuple(v.conditions)) for v in votes]
    return rules.tally(
        rule=decision_rule(case), eligible=[m.user.username for m in seats], ballots=ballots, chair=chair
    )


@transaction.atomic
def case_vote(
    *, actor: User, case: Case, choice: str, rationale: str, conditions: list[str] | None = None
) -> Voted:
    """Cast the actor's vote on a committee case, then decide the case if the committee's rule is now met."""
    authorize(actor, "cases.vote")
    require_participant(actor, case)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("committee", "gate_decision")
        .get(pk=case.pk)
    )
    member = _voting_seat(actor, case)
    rationale, kept = _check_ballot(choice, rationale, conditions)
    vote = Vote.objects.create(
        case=case,
        round=case.round,
        voter=actor,
        voter_role=member.role,
        choice=choice,
        rationale=rationale,
        conditions=kept,
    )
    if case.status == Case.Status.OPEN:
        case.status = Case.Status.UNDER_REVIEW
        case.save(update_fields=["status"])
    ledger_append(
        actor=actor,
        action=GovernanceAction.CASE_VOTE,
        object_type="case",
        object_id=case.pk,
        summary={"round": case.round, "choice": choice, "conditions": kept, "rationale": rationale},
    )
    tally, decision = evaluate(actor=actor, case=case)
    assert tally is not None
    return Voted(vote, tally, decision)


def _voting_seat(actor: User, case: Case) -> CommitteeMember:
    """The actor's voting seat on the case's committee, refused (409/403) when the actor may not vote in the
    case's current round."""
    if case.committee_id is None:
        raise Conflict(
            _("This case is in the compliance officers' queue: an officer decides it, nobody votes.")
        )
    member = seat(case, actor)
    if member is None or not member.votes:
        raise Forbidden(
            _("Only voting members of the %(name)s vote on its cases.") % {"name": case.committee.name},
            code="not_a_member",
        )
    if not member.serves_on(timezone.localdate()):
        raise Forbidden(_("Your term on the committee does not cover today."), code="out_of_term")
    if actor.pk in conflicted_user_ids(case):
        raise Forbidden(
            _("You declared a conflict of interest on this case, so you cannot vote on it."),
            code="conflicted",
        )
    if not case.is_active:
        raise Conflict(
            _("The case is %(lower)s; votes are closed.") % {"lower": case.get_status_display().lower()}
        )
    if Vote.objects.filter(case=case, round=case.round, voter=actor).exists():
        raise Conflict(_("You have already voted in this round; a vote is not changed."))
    return member


def _check_ballot(choice: str, rationale: str, conditions: list[str] | None) -> tuple[str, list[str]]:
    """The vote's cleaned rationale and conditions, or Invalid naming each field's problem."""
    errors: dict[str, str] = {}
    if choice not in VoteChoice.values:
        errors["choice"] = _("Expected one of %(values)s.") % {"values": ", ".join(VoteChoice.values)}
    rationale = clean_text(rationale, "rationale", errors, limit=5000)
    kept = clean_conditions(conditions, errors)
    if choice == VoteChoice.APPROVE_WITH_CONDITIONS and not kept and "conditions" not in errors:
        errors["conditions"] = _("Approving with conditions needs at least one condition.")
    if choice != VoteChoice.APPROVE_WITH_CONDITIONS and kept:
        errors["conditions"] = _("Only an approval with conditions carries conditions.")
    raise_if(errors, _("The vote is not valid."))
    return rationale, kept


def evaluate(*, actor: Actor, case: Case) -> tuple[rules.Tally | None, CaseDecision | None]:
    """Apply the committee's rule to the current round; record the decision when it is met."""
    case = Case.objects.select_related("committee", "gate_decision").get(pk=case.pk)
    tally = current_tally(case)
    if tally is None or not tally.decided or not case.is_active:
        return tally, None
    votes = list(Vote.objects.filter(case=case, round=case.round).select_related("voter"))
    conflicted = conflicted_user_ids(case)
    counted = [v for v in votes if v.voter_id not in conflicted and v.voter.username not in tally.excluded]
    approving = tally.outcome != rules.REJECT
    majority = [
        v for v in counted if (v.choice == VoteChoice.REJECT) != approving and v.choice != VoteChoice.ABSTAIN
    ]
    dissent = [v for v in counted if v.choice != VoteChoice.ABSTAIN and v not in majority]
    lines = [f"Decided by vote of the {case.committee.name}: {tally.reason}"]  # type: ignore[union-attr]
    lines += [
        f"- {v.voter.display_name} ({v.get_voter_role_display()}, {v.get_choice_display().lower()}): "
        f"{v.rationale}"
        for v in majority
    ]
    summary = {
        **tally.to_dict(),
        "rule": decision_rule(case).describe(),
        "abstentions": [v.voter.username for v in counted if v.choice == VoteChoice.ABSTAIN],
    }
    decision = record_decision(
        actor=actor,
        case=case,
        outcome=str(tally.outcome),
        rationale="\n".join(lines),
        conditions=list(tally.conditions),
        method=str(CaseDecision.Method.COMMITTEE_VOTE),
        binding=case.committee.is_binding,
        tally=summary,  # type: ignore[union-attr]
        dissent=[
            {
                "voter": v.voter.username,
                "name": v.voter.display_name,
                "role": v.voter_role,
                "choice": v.choice,
                "rationale": v.rationale,
            }
            for v in dissent
        ],
    )
    return tally, decision


@transaction.atomic
def case_decide(
    *, actor: User, case: Case, outcome: str, rationale: str, conditions: list[str] | None = None
) -> CaseDecision:
    """A compliance officer decides a case of the officers' queue alone, with a rationale on record."""
    authorize(actor, "cases.decide")
    require_participant(actor, case)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("committee", "gate_decision")
        .get(pk=case.pk)
    )
    if case.committee_id is not None:
        raise Conflict(_("This case is decided by a vote of the %(name)s.") % {"name": case.committee.name})
    if not case.is_active:
        raise Conflict(
            _("The case is %(lower)s; reopen it to decide again.")
            % {"lower": case.get_status_display().lower()}
        )
    errors: dict[str, str] = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("Expected one of %(values)s.") % {"values": ", ".join(DecisionOutcome.values)}
    rationale = clean_text(rationale, "rationale", errors, limit=5000)
    kept = clean_conditions(conditions, errors)
    if outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS and not kept and "conditions" not in errors:
        errors["conditions"] = _("Approving with conditions needs at least one condition.")
    if outcome != DecisionOutcome.APPROVE_WITH_CONDITIONS and kept:
        errors["conditions"] = _("Only an approval with conditions carries conditions.")
    raise_if(errors, _("The decision is not valid."))
    return record_decision(
        actor=actor,
        case=case,
        outcome=outcome,
        rationale=rationale,
        conditions=kept,
        method=str(CaseDecision.Method.OFFICER),
        binding=True,
        tally={},
        dissent=[],
    )


def record_decision(
    *,
    actor: Actor,
    case: Case,
    outcome: str,
    rationale: str,
    conditions: list[str],
    method: str,
    binding: bool,
    tally: dict[str, Any],
    dissent: list[dict[str, Any]],
) -> CaseDecision:
    """Write the immutable decision record, resolve the gate decision, and turn conditions into
    recommendations."""
    gate = case.gate_decision
    if gate is not None and outcome == DecisionOutcome.APPROVE_WITH_CONDITIONS and binding:
        conditions = list(dict.fromkeys([*conditions, *gate.result.get("conditions", [])]))
    gate_outcome, note = _resolve_gate(actor, case, outcome, rationale, binding)
    now = timezone.now()
    decision = CaseDecision.objects.create(
        case=case,
        round=case.round,
        outcome=outcome,
        binding=binding,
        method=method,
        conditions=conditions,
        rationale=rationale,
        dissent=dissent,
        tally=tally,
        gate_outcome=gate_outcome,
        note=note,
        decided_at=now,
        decided_by=actor_label(actor),
    )
    case.status, case.decided_at = Case.Status.DECIDED, now
    case.save(update_fields=["status", "decided_at"])
    ledger_append(
        actor=actor,
        action=GovernanceAction.CASE_DECIDE,
        object_type="case",
        object_id=case.pk,
        summary={
            "decision": decision.pk,
            "round": case.round,
            "outcome": outcome,
            "method": method,
            "binding": binding,
            "conditions": conditions,
            "gate_outcome": gate_outcome,
            "dissent": [d["voter"] for d in dissent],
            "tally": tally,
        },
    )
    if gate_outcome:
        _close_sibling_reviews(actor, case)
    if conditions and outcome != DecisionOutcome.REJECT:
        _conditions_to_recommendations(actor, case, decision, conditions)
    _announce_decision(case, decision)
    return decision


def _close_sibling_reviews(actor: Actor, case: Case) -> None:
    """The other cases one gate review opened (the officers' and a committee's) have nothing left to decide
    once this case resolved the gate decision: each still open is closed, with the reason on the ledger."""
    siblings = list(
        Case.objects.select_for_update()
        .filter(
            gate_decision_id=case.gate_decision_id, status__in=(Case.Status.OPEN, Case.Status.UNDER_REVIEW)
        )
        .exclude(pk=case.pk)
        .order_by("pk")
    )
    now = timezone.now()
    reason = f"Case {case.pk} decided the same gate review."  # the ledger's record, in one language
    for sibling in siblings:
        previous = sibling.status
        sibling.status, sibling.closed_at = Case.Status.CLOSED, now
        sibling.save(update_fields=["status", "closed_at"])
        ledger_append(
            actor=actor,
            action=GovernanceAction.CASE_STATUS,
            object_type="case",
            object_id=sibling.pk,
            summary={
                "from": previous,
                "to": str(Case.Status.CLOSED),
                "reason": reason,
                "round": sibling.round,
            },
        )


def _resolve_gate(actor: Actor, case: Case, outcome: str, rationale: str, binding: bool) -> tuple[str, str]:
    """A binding decision on a gate review resolves the gate decision (GateReviewDecided, handled by the
    gates): the outcome the gate now gives, and a note when it is left as it is."""
    gate = case.gate_decision
    if gate is None:
        return "", ""
    if not binding:
        return "", "An advisory opinion: the gate decision is left for a binding decision."
    if not gate.open_to_resolution:  # resolved, and not flagged by a gates re-check since
        return (
            "",
            f"Gate decision {gate.pk} was already resolved by case {gate.resolution_case_id}; it stands.",
        )
    gate_outcome = GATE_OUTCOME[outcome]
    emit(
        GateReviewDecided(
            actor=actor, gate_decision=gate, outcome=gate_outcome, rationale=rationale, case=case
        )
    )
    return gate_outcome, ""


def _conditions_to_recommendations(
    actor: Actor, case: Case, decision: CaseDecision, conditions: list[str]
) -> None:
    unit = _unit_for(case)
    if decision.binding:
        kind, source = (
            str(Recommendation.Kind.CONDITION),
            (
                str(Recommendation.Source.OFFICER)
                if decision.method == CaseDecision.Method.OFFICER
                else str(Recommendation.Source.COMMITTEE_DECISION)
            ),
        )
    else:
        kind, source = str(Recommendation.Kind.RECOMMENDATION), str(Recommendation.Source.ADVISORY_OPINION)
    due = timezone.localdate() + timedelta(days=CONDITION_DUE_DAYS)
    for text in conditions:
        recommendation_record(
            actor=actor,
            title=text[:300],
            kind=kind,
            source=source,
            org_unit=unit,
            due_date=due,
            case=case,
            decision=decision,
            description=(
                f"{decision.get_outcome_display()} in case {case.pk} ({case.title}), round {decision.round}."
            ),
        )


def _unit_for(case: Case) -> OrgUnit:
    """Where a decision's conditions are carried out: the gate decision's unit, the case's, or the root."""
    gate = case.gate_decision
    unit = (gate.org_unit if gate is not None else None) or case.org_unit
    if unit is None:
        unit = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise Invalid(_("There is no org unit to assign the conditions to; create the organisation first."))
    return unit


def _announce_decision(case: Case, decision: CaseDecision) -> None:
    users: list[User] = []
    if case.committee_id is not None:
        users += [
            m.user
            for m in CommitteeMember.objects.filter(committee_id=case.committee_id).select_related("user")
        ]
    gate = case.gate_decision
    if gate is not None and gate.actor_id is not None:
        users.append(gate.actor)  # type: ignore[arg-type]
    values: dict[str, object] = {"id": case.pk, "title": case.title}
    values["outcome"] = lowered(DecisionOutcome(decision.outcome).label)
    if decision.gate_outcome and gate is not None:
        values["gate"] = lowered(GATE_LABELS.get(gate.gate, gate.gate.replace("_", " ")))
        text = (
            gettext_lazy("Case %(id)s was decided (%(outcome)s: the %(gate)s may proceed): %(title)s")
            if decision.gate_outcome == "allow"
            else gettext_lazy(
                "Case %(id)s was decided (%(outcome)s: the %(gate)s may not proceed): %(title)s"
            )
        )
    else:
        text = gettext_lazy("Case %(id)s was decided (%(outcome)s): %(title)s")
    notify(
        users=users, kind=str(Notification.Kind.DECISION), text=message(text, **values), link=case_link(case)
    )
