"""What the gates answer for other apps (registered in GatesConfig.ready): record a decision, read one."""

from __future__ import annotations

from conduct.apps.accounts.models import User
from conduct.apps.gates.models import GateDecision
from conduct.apps.gates.selectors import decision_get
from conduct.apps.gates.services import gate_decide
from conduct.events import gates as gate_events


def decision_for(*, actor: User, decision_id: int) -> GateDecision:
    """The gate decision `actor` may read (NotFound otherwise)."""
    return decision_get(actor=actor, decision_id=decision_id)


def register() -> None:
    gate_events.gate_decide.register(gate_decide)
    gate_events.decision_for.register(decision_for)
