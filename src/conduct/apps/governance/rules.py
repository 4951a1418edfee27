"""The decision rule of a committee, as a pure function of who may vote and the ballots cast (no Django).

quorum   = ceil(quorum_ratio x eligible), eligible = serving voting members without a declared conflict
counted  = ballots of eligible members; abstentions count toward the quorum but not the majority
simple   = approve (with or without conditions) vs reject by simple majority; a tie is broken by the chair's
           ballot when `chair_breaks_ties` and the chair voted approve/reject; otherwise no decision yet
two_thirds = approval needs at least two-thirds of the approve/reject ballots; short of that, reject
Outcome "approve_with_conditions" when any counted approving ballot carries conditions (all are adopted).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

APPROVE = "approve"
APPROVE_WITH_CONDITIONS = "approve_with_conditions"
REJECT = "reject"
ABSTAIN = "abstain"
CHOICES = (APPROVE, APPROVE_WITH_CONDITIONS, REJECT, ABSTAIN)
SIMPLE = "simple"
TWO_THIRDS = "two_thirds"


@dataclass(frozen=True)
class DecisionRule:
    quorum_ratio: Fraction
    majority: str = SIMPLE
    chair_breaks_ties: bool = True

    def describe(self) -> str:
        percent = f"{float(self.quorum_ratio) * 100:g}%"
        majority = "simple majority" if self.majority == SIMPLE else "two-thirds to approve"
        ties = ", the chair breaks ties" if self.chair_breaks_ties and self.majority == SIMPLE else ""
        return f"quorum {percent} of eligible members, {majority}{ties}"


@dataclass(frozen=True)
class Ballot:
    voter: str
    choice: str
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tally:
    decided: bool
    outcome: str | None
    reason: str
    eligible: int
    quorum: int
    cast: int
    approve: int
    reject: int
    abstain: int
    chair_broke_tie: bool = False
    conditions: tuple[str, ...] = ()
    excluded: tuple[str, ...] = field(
        default=()
    )  # ballots not counted (voter conflicted or no longer eligible)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decided": self.decided,
            "outcome": self.outcome,
            "reason": self.reason,
            "eligible": self.eligible,
            "quorum": self.quorum,
            "cast": self.cast,
            "approve": self.approve,
            "reject": self.reject,
            "abstain": self.abstain,
            "chair_broke_tie": self.chair_broke_tie,
            "excluded": list(self.excluded),
        }


def quorum_for(rule: DecisionRule, eligible: int) -> int:
    if eligible <= 0:
        return 0
    return max(1, math.ceil(rule.quorum_ratio * eligible))


def tally(
    *, rule: DecisionRule, eligible: Sequence[str], ballots: Sequence[Ballot], chair: str | None
) -> Tally:
    """Whether the ballots cast so far decide the case under `rule`, and why (or why not yet)."""
    voters = set(eligible)
    counted = [b for b in ballots if b.voter in voters]
    excluded = tuple(b.voter for b in ballots if b.voter not in voters)
    approving = [b for b in counted if b.choice in (APPROVE, APPROVE_WITH_CONDITIONS)]
    approve = len(approving)
    reject = sum(1 for b in counted if b.choice == REJECT)
    abstain = sum(1 for b in counted if b.choice == ABSTAIN)
    quorum = quorum_for(rule, len(voters))
    base = {
        "eligible": len(voters),
        "quorum": quorum,
        "cast": len(counted),
        "approve": approve,
        "reject": reject,
        "abstain": abstain,
        "excluded": excluded,
    }
    side, reason, chair_broke_tie = _verdict(rule, voters, counted, quorum, approve, reject, chair)
    if side is None:
        return Tally(decided=False, outcome=None, reason=reason, **base)  # type: ignore[arg-type]
    conditions: tuple[str, ...] = ()
    outcome = side
    if side == APPROVE:
        conditions = tuple(dict.fromkeys(c for b in approving for c in b.conditions))
        if any(b.choice == APPROVE_WITH_CONDITIONS for b in approving):
            outcome = APPROVE_WITH_CONDITIONS
    return Tally(
        decided=True,
        outcome=outcome,
        reason=reason,
        chair_broke_tie=chair_broke_tie,
        conditions=conditions,
        **base,  # type: ignore[arg-type]
    )


Verdict = tuple[
    str | None, str, bool
]  # the side that won (None: not decided yet), why, whether the chair broke a tie


def _verdict(
    rule: DecisionRule,
    voters: set[str],
    counted: list[Ballot],
    quorum: int,
    approve: int,
    reject: int,
    chair: str | None,
) -> Verdict:
    if not voters:
        return (
            None,
            "No member is eligible to vote (every voting member is conflicted or out of term).",
            False,
        )
    if len(counted) < quorum:
        return None, f"No quorum yet: {len(counted)} of the {quorum} votes needed have been cast.", False
    if approve + reject == 0:
        return None, "Quorum is met but every vote cast is an abstention.", False
    if rule.majority == TWO_THIRDS:
        if approve * 3 >= (approve + reject) * 2:
            return APPROVE, f"{approve} of {approve + reject} approve: at least two-thirds.", False
        return REJECT, f"{approve} of {approve + reject} approve: short of two-thirds.", False
    if approve > reject:
        return APPROVE, f"Majority to approve, {approve} to {reject}.", False
    if reject > approve:
        return REJECT, f"Majority to reject, {reject} to {approve}.", False
    return _tie(rule, voters, counted, approve, reject, chair)


def _tie(
    rule: DecisionRule, voters: set[str], counted: list[Ballot], approve: int, reject: int, chair: str | None
) -> Verdict:
    """A tied vote: the chair's vote breaks it where the rule says so, else more votes are needed."""
    chair_ballot = next((b for b in counted if b.voter == chair), None) if chair else None
    if rule.chair_breaks_ties and chair_ballot is not None and chair_ballot.choice != ABSTAIN:
        side = REJECT if chair_ballot.choice == REJECT else APPROVE
        return side, f"Tied {approve} to {reject}; the chair's vote breaks the tie.", True
    if not rule.chair_breaks_ties:
        why = "ties are not broken by the chair under this committee's rule"
    elif chair is None or chair not in voters:
        why = "the chair cannot vote on this case"
    elif chair_ballot is None:
        why = "the chair has not voted"
    else:
        why = "the chair abstained"
    if len(counted) == len(voters):
        return None, f"Deadlocked at {approve} to {reject} with every eligible member voted; {why}.", False
    return None, f"Tied {approve} to {reject}; {why}, so more votes are needed.", False
