"""Policy examples: subjects with expected outcomes carried in rule files, run by `conduct policy test`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ._decision import Decision
from ._errors import SubjectError
from ._screening import OwnershipFact, ScreeningHit, StaticScreener

if TYPE_CHECKING:
    from ._pack import PolicyPack


@dataclass(frozen=True)
class PolicyExample:
    """An example subject and what the pack must decide for it."""

    name: str
    gate: str
    subject: Mapping[str, Any]
    expect: str
    must_fire: tuple[str, ...]
    must_not_fire: tuple[str, ...]
    screening: Mapping[str, tuple[ScreeningHit, ...]]
    file: str
    line: int
    rule_id: str | None = None  # the rule that carries the example, None for file-level examples
    ownership: Mapping[str, OwnershipFact] = field(default_factory=dict)  # by screened name


@dataclass(frozen=True)
class ExampleResult:
    example: PolicyExample
    passed: bool
    failures: tuple[str, ...]
    decision: Decision | None

    def __str__(self) -> str:
        where = f"{self.example.file}:{self.example.line}"
        if self.passed:
            return f"PASS {where} {self.example.name}"
        return f"FAIL {where} {self.example.name}: " + "; ".join(self.failures)


def run_example(pack: PolicyPack, example: PolicyExample, *, today: date | None = None) -> ExampleResult:
    try:
        decision = pack.evaluate(
            example.gate,
            dict(example.subject),
            screener=StaticScreener(example.screening, example.ownership),
            today=today,
        )
    except SubjectError as exc:
        return ExampleResult(example, False, (f"subject rejected: {exc}",), None)
    failures: list[str] = []
    if decision.outcome != example.expect:
        failures.append(
            f"expected {example.expect}, got {decision.outcome} "
            f"(fired: {', '.join(decision.fired) or 'none'})"
        )
    fired = set(decision.fired)
    missing = [rule for rule in example.must_fire if rule not in fired]
    unexpected = [rule for rule in example.must_not_fire if rule in fired]
    if missing:
        failures.append(f"did not fire: {', '.join(missing)}")
    if unexpected:
        failures.append(f"fired but must not: {', '.join(unexpected)}")
    if decision.errors:
        failures.append(
            "evaluation errors: " + "; ".join(f"{e.rule or e.stage}: {e.error}" for e in decision.errors)
        )
    return ExampleResult(example, not failures, tuple(failures), decision)


def run_examples(pack: PolicyPack, *, today: date | None = None) -> list[ExampleResult]:
    """Run every example in the pack (rule-level and file-level), in file order."""
    return [run_example(pack, example, today=today) for example in pack.examples]
