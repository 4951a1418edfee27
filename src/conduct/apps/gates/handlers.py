"""How the gates react to other apps' events (registered in GatesConfig.ready)."""

from __future__ import annotations

from conduct.apps.gates.models import GateDecision
from conduct.apps.gates.services import gate_resolve
from conduct.events import subscribe
from conduct.events.governance import GateReviewDecided


@subscribe(GateReviewDecided, name="gates.resolve_decision")
def resolve_decision(event: GateReviewDecided) -> GateDecision:
    """A binding case decision on a gate review: record its outcome on the gate decision (Conflict if it was
    resolved already)."""
    return gate_resolve(
        actor=event.actor,
        decision=event.gate_decision,
        outcome=event.outcome,
        rationale=event.rationale,
        case=event.case,
    )
