"""What the report's figures are computed from (`ReportInputs`, gathered by gather.py) and the unit of
output (`Table`); figures.py and the section modules build tables from the inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ReportInputs:
    """What the selectors gathered: counts and small lists, never one row per supplier or decision."""

    year: int
    organisation: str
    generated_at: datetime
    as_of: date  # the date certificates are judged valid on: 31 December, or today for the running year
    library_version: str
    committees: Sequence[Mapping[str, Any]]  # slug, name, mandate, members, voting_members, external_members
    case_decisions: Sequence[Mapping[str, Any]]  # queue, outcome, binding, count (decided in the year)
    cases_opened: Sequence[Mapping[str, Any]]  # dimension, source, count
    recommendations: Mapping[str, int]  # issued, done, open, overdue
    liaison_units: int
    liaison_covered: int
    risks: Sequence[Mapping[str, Any]]  # plain risk + controls (codes) + links {case, gate_decision, finding}
    gate_decisions: Sequence[Mapping[str, Any]]  # gate, outcome, count
    gate_resolutions: Sequence[Mapping[str, Any]]  # gate, outcome, resolution_outcome, count
    suppliers: Mapping[str, int]  # active, sa8000, iso_45001, iso_14001, all_three, none
    audits: Sequence[Mapping[str, Any]]  # kind, count
    findings: Sequence[Mapping[str, Any]]  # severity, is_open, count
    actions: Sequence[Mapping[str, Any]]  # status, count
    actions_overdue: int
    grievances: Mapping[str, Any] | None  # None: the grievances module is not in use yet
    ungp_questions: Sequence[Mapping[str, str]]  # id, urn, title, section
    # access.selectors.access_figures: requests, approvals, denials, expiries, median_hours_to_answer,
    # accesses, accesses_without_grant; None: not gathered (inputs built by hand)
    device_access: Mapping[str, Any] | None = None
    # workforce.selectors.own_operations_figures + certificates by site code; None: not gathered
    own_operations: Mapping[str, Any] | None = None
    # engagement.selectors.public_commitments: text, made_in, due_date, status; None: not gathered
    commitments: Sequence[Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class Table:
    id: str
    section: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "section": self.section,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "note": self.note,
        }
