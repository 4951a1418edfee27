"""How the gates react to other apps' events (registered in GatesConfig.ready): a case decision resolves a
gate decision; a list load queues a re-check of earlier decisions."""

from __future__ import annotations

from django.db import transaction

from conduct.apps.gates.models import GateDecision
from conduct.apps.gates.services import gate_resolve
from conduct.apps.gates.tasks import recheck_decisions
from conduct.events import subscribe
from conduct.events.governance import GateReviewDecided
from conduct.events.screening import ListVersionLoaded


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


@subscribe(ListVersionLoaded, name="gates.recheck_after_list_load")
def recheck_after_list_load(event: ListVersionLoaded) -> None:
    """A list changed: once it is committed, re-check earlier allowed and approved decisions against it."""
    if not event.changed:
        return
    version_id = event.version_id
    transaction.on_commit(lambda: recheck_decisions.enqueue(trigger="list_loaded", list_version=version_id))
