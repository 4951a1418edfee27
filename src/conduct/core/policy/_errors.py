"""Errors raised by the policy engine: pack problems (file, line, rule) and subject field errors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a policy pack or its reference data, located as precisely as we can."""

    file: str
    line: int | None
    rule_id: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{where}{rule}: {self.message}"


class PolicyError(Exception):
    """A pack (or its reference data) failed to load; `problems` lists every problem found, not just the
    first."""

    def __init__(self, problems: Iterable[PolicyProblem]) -> None:
        self.problems: tuple[PolicyProblem, ...] = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in policy pack:\n{lines}")


@dataclass(frozen=True)
class FieldError:
    """One bad field in a gate subject; `path` is written like `parties[1].country` ("" for the subject
    itself)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(subject)'}: {self.message}"


class SubjectError(ValueError):
    """The subject given to a gate is invalid; `errors` lists every bad field."""

    def __init__(self, gate: str, errors: Iterable[FieldError]) -> None:
        self.gate = gate
        self.errors: tuple[FieldError, ...] = tuple(errors)
        details = "; ".join(str(error) for error in self.errors)
        super().__init__(f"invalid {gate} subject: {details}")
