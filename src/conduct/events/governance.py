"""Events governance emits and the providers governance implements for other apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conduct.events._bus import Event, Provider


@dataclass(frozen=True)
class GateReviewDecided(Event):
    """A case that a gate review opened was decided with an outcome that resolves the gate decision.

    Emitted by governance inside the case decision's transaction, at the point where the gate's resolution is
    ledgered (before the case decision's own entry). Handled by gates, which records the resolution on the
    decision (raising Conflict if it was resolved already).

    actor: who decided. gate_decision: the GateDecision row. outcome: "allow" or "deny". rationale: text.
    case: the governance Case that decided it.
    """

    actor: Any
    gate_decision: Any
    outcome: str
    rationale: str
    case: Any


review_audience: Provider[..., Any] = Provider(
    "governance.review_audience",
    "review_audience(*, queues, units) -> the committees, voters and officers review cases will go to; read "
    "by gates before a decision's write transaction.",
)

visible_case_ids: Provider[..., set[int]] = Provider(
    "governance.visible_case_ids",
    "visible_case_ids(*, actor, case_ids) -> the ids among case_ids whose pages the actor may open; read by "
    "gates to link a decision's cases only where the link answers.",
)
