"""Events the gates emit and the providers gates implement for other apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conduct.events._bus import Event, Provider


@dataclass(frozen=True)
class GateReviewRequested(Event):
    """A recorded gate decision came out `review` with referrals: the cases that will decide it must open.

    Emitted by `gates.services` inside the decision's write transaction, after the decision row is inserted
    and before anything else is ledgered. Handled by governance, which opens one case per referral and appends
    `ledger_first` (the decision's own entry) ahead of the cases' entries, so the ledger reads as before.
    The handler returns the list of cases it opened (the API answers with their ids).

    actor: the acting user or system actor. decision: the GateDecision row (saved). title: the cases' title.
    dimension: the programme dimension of the gate ("product", "supply_chain"). referrals: the engine's
    referrals (`.to` = the queue, `.rules`). reasons: the decision's reasons (`.rule`, `.message`); a case's
    description is the messages of its referral's rules. ledger_first: LedgerItems to append before the
    cases' entries. audience: what `review_audience` answered before the transaction (or None to read it
    inside). With no handler registered, the gates ledger the decision's entry themselves.
    """

    actor: Any
    decision: Any
    title: str
    dimension: str
    referrals: tuple[Any, ...]
    reasons: tuple[Any, ...]
    ledger_first: tuple[Any, ...] = field(default=())
    audience: Any = None


gate_decide: Provider[..., Any] = Provider(
    "gates.gate_decide",
    "Record a gate decision: gate_decide(*, actor, gate, subject, org_unit=None, idempotency_key=None, "
    "today=None) -> Decided (.decision: the GateDecision, .created: False for an Idempotency-Key replay). "
    "Used by supplier onboarding.",
)

decision_for: Provider[..., Any] = Provider(
    "gates.decision_for",
    "decision_for(*, actor, decision_id) -> GateDecision the actor may read; raises NotFound otherwise.",
)


@dataclass(frozen=True)
class GateDecisionFlagged(Event):
    """A re-check found that an earlier allowed or approved gate decision would now be denied (a list, a
    sanctions programme, a region or the pack changed). Nothing changes silently: its cases must reopen.

    Emitted by the gates' re-check inside the finding's transaction, after the finding's ledger entry.
    Handled by governance, which reopens the decision's decided or closed cases (a new round) or, when the
    decision had none, opens one on the compliance officers' queue. The handler returns the cases concerned.

    actor: who runs the re-check (a system actor from the worker or the CLI). decision: the GateDecision.
    title: the case title. description: why (the rules that now deny, naming programme and jurisdiction).
    """

    actor: Any
    decision: Any
    title: str
    description: str
