"""The frozen, explainable result of a gate evaluation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Any

OUTCOMES = ("allow", "review", "deny")  # in order of precedence: deny beats review beats allow
SEVERITIES = ("low", "medium", "high", "critical")
DEFAULT_QUEUE = "compliance-officers"


def strongest(outcomes: Sequence[str]) -> str:
    return max(outcomes, key=OUTCOMES.index, default="allow")


def freeze(value: Any) -> Any:
    """Deep read-only copy of a JSON value: dicts become mappingproxies, lists become tuples."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or kind is float or value is None:
        return value
    if isinstance(value, dict | MappingProxyType):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """Plain JSON-able copy of a (frozen or not) value."""
    if isinstance(value, dict | MappingProxyType):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Reason:
    """One rule that fired: what it says, what it cites, and the values it read when it fired.

    `target` names the element a per-element rule fired for (e.g. `parties[1]`), else None.
    """

    rule: str
    title: str
    outcome: str
    severity: str
    message: str
    cites: tuple[str, ...]
    values: Mapping[str, Any]
    refer_to: str | None
    conditions: tuple[str, ...]
    target: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "outcome": self.outcome,
            "severity": self.severity,
            "message": self.message,
            "cites": list(self.cites),
            "values": thaw(self.values),
            "refer_to": self.refer_to,
            "conditions": list(self.conditions),
            "target": self.target,
        }


@dataclass(frozen=True)
class EvaluationError:
    """Something that could not be evaluated (a rule's expression, the screening); it forces a review."""

    rule: str | None
    stage: str  # "rule" | "screening" | "facts"
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "stage": self.stage, "error": self.error}


@dataclass(frozen=True)
class Referral:
    """A queue the case goes to (a committee slug, or the compliance officers' queue) and the rules sending
    it."""

    to: str
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"to": self.to, "rules": list(self.rules)}


@dataclass(frozen=True)
class Decision:
    """A gate decision. `outcome` is the strongest outcome among the reasons; any error makes it at least
    review."""

    gate: str
    outcome: str
    as_of: date
    reasons: tuple[Reason, ...]
    conditions: tuple[str, ...]
    referrals: tuple[Referral, ...]
    errors: tuple[EvaluationError, ...]
    policy_version: str
    reference_version: str
    rules_evaluated: int
    _facts: Mapping[str, Any] = field(repr=False, compare=False)  # the engine's own copy; never handed out

    @cached_property
    def facts(self) -> Mapping[str, Any]:
        """The derived facts the rules saw (a read-only copy, made on first use)."""
        frozen: Mapping[str, Any] = freeze(self._facts)
        return frozen

    @property
    def fired(self) -> tuple[str, ...]:
        """Ids of the rules that fired, each once, in pack order."""
        return tuple(dict.fromkeys(reason.rule for reason in self.reasons))

    def to_dict(self, *, include_facts: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = {
            "gate": self.gate,
            "outcome": self.outcome,
            "as_of": self.as_of.isoformat(),
            "policy_version": self.policy_version,
            "reference_version": self.reference_version,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "conditions": list(self.conditions),
            "referrals": [referral.to_dict() for referral in self.referrals],
            "errors": [error.to_dict() for error in self.errors],
            "rules_evaluated": self.rules_evaluated,
        }
        if include_facts:
            result["facts"] = thaw(self._facts)
        return result


def build_decision(
    *,
    gate: str,
    as_of: date,
    reasons: list[Reason],
    errors: list[EvaluationError],
    policy_version: str,
    reference_version: str,
    rules_evaluated: int,
    facts: Mapping[str, Any],
) -> Decision:
    outcomes = [reason.outcome for reason in reasons] + (["review"] if errors else [])
    conditions: dict[str, None] = {}
    queues: dict[str, dict[str, None]] = {}
    for reason in reasons:
        if reason.outcome == "allow":
            continue
        conditions.update(dict.fromkeys(reason.conditions))
        # A review goes to its committee or the officers' queue; a deny is final unless the rule names a
        # committee.
        if reason.outcome == "review" or reason.refer_to:
            queues.setdefault(reason.refer_to or DEFAULT_QUEUE, {})[reason.rule] = None
    for error in errors:
        queues.setdefault(DEFAULT_QUEUE, {})[error.rule or f"({error.stage})"] = None
    return Decision(
        gate=gate,
        outcome=strongest(outcomes),
        as_of=as_of,
        reasons=tuple(reasons),
        conditions=tuple(conditions),
        referrals=tuple(Referral(to, tuple(rules)) for to, rules in queues.items()),
        errors=tuple(errors),
        policy_version=policy_version,
        reference_version=reference_version,
        rules_evaluated=rules_evaluated,
        _facts=facts,
    )
