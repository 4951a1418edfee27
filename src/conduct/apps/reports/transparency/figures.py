"""Every figure of the transparency report, computed by one pure function from plain inputs (no Django, no
I/O), so the benchmark times exactly this and the renderers only lay the figures out.

A figure table is the unit of output: the HTML shows it (with a caption), data.json carries it, and it is
written as CSV under its `id`. Nothing in the report is a number that is not in some table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from conduct.apps.reports.transparency.commitments import commitment_tables
from conduct.apps.reports.transparency.device_access import device_access_tables
from conduct.apps.reports.transparency.grievances import grievance_tables
from conduct.apps.reports.transparency.inputs import ReportInputs, Table
from conduct.apps.reports.transparency.own_operations import own_operations_tables
from conduct.apps.reports.transparency.ungp_index import GRIEVANCE_QUESTIONS, SECTION_TITLES, UNGP_RF_SECTIONS
from conduct.core import policy
from conduct.core.risk import heatmap

# The gates as the policy engine names them, labelled for the report ("sales_deal" -> "Sales deal").
GATES = tuple((gate, gate.replace("_", " ").capitalize()) for gate in policy.GATES)
OUTCOMES = (("allow", "Allow"), ("review", "Review"), ("deny", "Deny"))
STANDARDS = (("sa8000", "SA8000"), ("iso_45001", "ISO 45001"), ("iso_14001", "ISO 14001"))
DIMENSIONS = (
    ("product", "Product misuse"),
    ("labour", "Labour in own operations"),
    ("supply_chain", "Supply chain"),
)
SEVERITIES = ("critical", "major", "minor")
ACTION_STATUSES = (
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("verified", "Verified"),
    ("closed", "Closed"),
)
BANDS = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Figures:
    year: int
    organisation: str
    generated_at: datetime
    as_of: date
    library_version: str
    headline: Mapping[str, Any]
    tables: tuple[Table, ...]
    heatmap: tuple[tuple[Mapping[str, Any], ...], ...]  # rows severity 5..1, columns likelihood 1..5
    risks: tuple[Mapping[str, Any], ...]
    grievances_in_use: bool
    ungp_index: tuple[Mapping[str, Any], ...]
    sections: Mapping[str, str] = field(default_factory=lambda: dict(SECTION_TITLES))

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "organisation": self.organisation,
            "generated_at": self.generated_at.isoformat(),
            "as_of": self.as_of.isoformat(),
            "library_version": self.library_version,
            "headline": dict(self.headline),
            "tables": [t.as_dict() for t in self.tables],
            "heatmap": [[dict(c) for c in row] for row in self.heatmap],
            "risks": [dict(r) for r in self.risks],
            "grievances_in_use": self.grievances_in_use,
            "ungp_index": [dict(q) for q in self.ungp_index],
        }


def pct(part: int, whole: int) -> float:
    """A share in per cent with one decimal; 0.0 of nothing."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def _count(rows: Sequence[Mapping[str, Any]], **match: Any) -> int:
    return sum(int(r["count"]) for r in rows if all(r.get(k) == v for k, v in match.items()))


def _committee_rows(i: ReportInputs) -> list[tuple[Any, ...]]:
    """One row per committee, then the compliance officers' own queue (cases referred to no committee)."""
    committee_rows = []
    queues = {c["slug"] for c in i.committees}
    for c in i.committees:
        decided = [r for r in i.case_decisions if r["queue"] == c["slug"]]
        committee_rows.append(
            (
                c["name"],
                c["mandate"],
                c["members"],
                c["voting_members"],
                c["external_members"],
                _count(decided),
                _count(decided, outcome="approve") + _count(decided, outcome="approve_with_conditions"),
                _count(decided, outcome="reject"),
            )
        )
    officers = [r for r in i.case_decisions if r["queue"] not in queues]
    committee_rows.append(
        (
            "Compliance officers (cases not referred to a committee)",
            "decides",
            "",
            "",
            "",
            _count(officers),
            _count(officers, outcome="approve") + _count(officers, outcome="approve_with_conditions"),
            _count(officers, outcome="reject"),
        )
    )
    return committee_rows


def _governance(i: ReportInputs) -> list[Table]:
    committee_rows = _committee_rows(i)
    cases = []
    for dim, label in DIMENSIONS:
        cases.append((label, _count(i.cases_opened, dimension=dim)))
    rec = i.recommendations
    return [
        Table(
            "governance_committees",
            "governance",
            f"Committees and the cases they decided in {i.year}",
            (
                "Body",
                "Mandate",
                "Members",
                "Voting members",
                "Independent external experts",
                "Cases decided",
                "Approved (incl. with conditions)",
                "Rejected",
            ),
            tuple(committee_rows),
        ),
        Table(
            "governance_cases",
            "governance",
            f"Cases opened in {i.year} by dimension",
            ("Dimension", "Cases opened"),
            tuple(cases) + (("All dimensions", _count(i.cases_opened)),),
        ),
        Table(
            "governance_liaisons",
            "governance",
            "Compliance liaison coverage of the organisation",
            ("Org units", "With a compliance liaison", "Share (%)"),
            ((i.liaison_units, i.liaison_covered, pct(i.liaison_covered, i.liaison_units)),),
        ),
        Table(
            "governance_recommendations",
            "governance",
            f"Committee recommendations issued in {i.year}",
            ("Issued", "Done", "Open", "Overdue"),
            ((rec.get("issued", 0), rec.get("done", 0), rec.get("open", 0), rec.get("overdue", 0)),),
        ),
    ]


def _issue_row(r: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[Any, ...]:
    return (
        r["title"],
        str(labels.get(r["dimension"], r["dimension"])),
        "; ".join(str(label) for label in r.get("rights_labels") or r["rights"]),
        r["people_affected"],
        "; ".join(r.get("controls", [])) or "none yet",
    )


def _rating_row(r: Mapping[str, Any]) -> tuple[Any, ...]:
    links = r.get("links", {})
    return (
        r["title"],
        r["severity"],
        r["likelihood"],
        r["score"],
        r["band"],
        r["residual_likelihood"],
        r["residual_score"],
        r["residual_band"],
        links.get("case", 0),
        links.get("gate_decision", 0),
        links.get("finding", 0),
    )


def _risks(
    i: ReportInputs,
) -> tuple[list[Table], tuple[tuple[dict[str, Any], ...], ...], list[dict[str, Any]]]:
    grid: list[list[dict[str, Any]]] = [
        [
            {
                "severity": c.severity,
                "likelihood": c.likelihood,
                "score": c.score,
                "band": c.band,
                "risks": [],
            }
            for c in row
        ]
        for row in heatmap()
    ]
    risks = sorted(i.risks, key=lambda r: (-int(r["score"]), r["code"]))
    labels = dict(DIMENSIONS)
    for r in risks:
        grid[5 - int(r["severity"])][int(r["likelihood"]) - 1]["risks"].append(r["code"])
    rows = [_issue_row(r, labels) for r in risks]
    ratings = [_rating_row(r) for r in risks]
    cells = tuple(tuple({**c, "count": len(c["risks"])} for c in row) for row in grid)
    heat_rows = tuple((f"Severity {row[0]['severity']}", *[c["count"] for c in row]) for row in cells)
    by_band = tuple(
        (
            band,
            sum(1 for r in risks if r["band"] == band),
            sum(1 for r in risks if r["residual_band"] == band),
        )
        for band in BANDS
    )
    return _risk_tables(rows, ratings, heat_rows, by_band), cells, [dict(r) for r in risks]


_RATING_COLUMNS = (
    "Issue",
    "Severity (1-5)",
    "Likelihood (1-5)",
    "Salience (0-100)",
    "Band",
    "Residual likelihood",
    "Residual salience",
    "Residual band",
    "Linked cases",
    "Linked gate decisions",
    "Linked audit findings",
)


def _risk_tables(
    rows: list[tuple[Any, ...]],
    ratings: list[tuple[Any, ...]],
    heat_rows: tuple[tuple[Any, ...], ...],
    by_band: tuple[tuple[Any, ...], ...],
) -> list[Table]:
    return [
        Table(
            "salient_issues",
            "salient-issues",
            "Salient human-rights issues, most salient first",
            ("Issue", "Dimension", "Rights affected", "People affected", "Mitigating controls"),
            tuple(rows),
        ),
        Table(
            "salient_ratings",
            "salient-issues",
            "Salience of each issue, before and after mitigation, and the records linked to it",
            _RATING_COLUMNS,
            tuple(ratings),
            note="Salience per the UN Guiding Principles: severity from scale, scope and irremediability, "
            "then likelihood. Residual: the same severity at the likelihood that remains with the controls.",
        ),
        Table(
            "salient_heatmap",
            "salient-issues",
            "Heat map: number of salient issues by severity and likelihood",
            ("Severity", "Likelihood 1", "Likelihood 2", "Likelihood 3", "Likelihood 4", "Likelihood 5"),
            heat_rows,
        ),
        Table(
            "salient_bands",
            "salient-issues",
            "Salient issues by salience band, before and after mitigation",
            ("Band", "Inherent", "Residual"),
            by_band,
        ),
    ]


def _gates(i: ReportInputs) -> list[Table]:
    rows = []
    for gate, label in GATES:
        counts = [_count(i.gate_decisions, gate=gate, outcome=o) for o, _ in OUTCOMES]
        rows.append((label, *counts, sum(counts)))
    totals = [_count(i.gate_decisions, outcome=o) for o, _ in OUTCOMES]
    rows.append(("All gates", *totals, sum(totals)))
    resolved = []
    for gate, label in GATES:
        for_gate = [r for r in i.gate_resolutions if r["gate"] == gate]
        resolved.append(
            (
                label,
                _count(for_gate),
                _count(for_gate, resolution_outcome="allow"),
                _count(for_gate, resolution_outcome="deny"),
            )
        )
    return [
        Table(
            "gate_decisions",
            "gates",
            f"Gate decisions in {i.year} by gate and outcome",
            ("Gate", *[label for _, label in OUTCOMES], "Total"),
            tuple(rows),
        ),
        Table(
            "gate_resolutions",
            "gates",
            f"Reviews of {i.year} resolved by a recorded case decision",
            ("Gate", "Resolved", "Then allowed", "Then denied"),
            tuple(resolved),
        ),
    ]


def _supply_chain(i: ReportInputs) -> list[Table]:
    s = i.suppliers
    active = int(s.get("active", 0))
    cert_rows = [
        (label, int(s.get(key, 0)), active, pct(int(s.get(key, 0)), active)) for key, label in STANDARDS
    ]
    cert_rows.append(
        ("All three", int(s.get("all_three", 0)), active, pct(int(s.get("all_three", 0)), active))
    )
    cert_rows.append(("None of the three", int(s.get("none", 0)), active, pct(int(s.get("none", 0)), active)))
    audits = tuple(
        (str(a["kind"]).capitalize(), int(a["count"])) for a in sorted(i.audits, key=lambda a: a["kind"])
    )
    finding_rows = tuple(
        (sev.capitalize(), _count(i.findings, severity=sev), _count(i.findings, severity=sev, is_open=True))
        for sev in SEVERITIES
    )
    action_rows = tuple((label, _count(i.actions, status=st)) for st, label in ACTION_STATUSES)
    return [
        Table(
            "certification_coverage",
            "supply-chain",
            f"Active suppliers holding a valid certificate on {i.as_of.isoformat()}",
            ("Standard", "Suppliers", "Active suppliers", "Share (%)"),
            tuple(cert_rows),
        ),
        Table(
            "audits",
            "supply-chain",
            f"Supplier audits carried out in {i.year}",
            ("Kind", "Audits"),
            audits + (("All kinds", sum(a[1] for a in audits)),),
        ),
        Table(
            "audit_findings",
            "supply-chain",
            f"Findings of the {i.year} audits by severity",
            ("Severity", "Findings", "Still open"),
            finding_rows,
        ),
        Table(
            "corrective_actions",
            "supply-chain",
            f"Corrective actions for the {i.year} findings",
            ("Status", "Actions"),
            action_rows + (("Overdue (open past the due date)", i.actions_overdue),),
        ),
    ]


def _ungp_index(i: ReportInputs) -> tuple[list[dict[str, Any]], Table]:
    entries = []
    for q in i.ungp_questions:
        qid = q["id"]
        sections = UNGP_RF_SECTIONS.get(qid, ())
        if qid in GRIEVANCE_QUESTIONS:
            sections = ("grievances",)
            status = "addressed" if i.grievances is not None else "not yet in use"
        else:
            status = "addressed" if sections else "not covered by this report"
        entries.append(
            {"id": qid, "urn": q["urn"], "title": q["title"], "status": status, "sections": list(sections)}
        )
    table = Table(
        "ungp_reporting_framework_index",
        "ungp-index",
        "Index to the UNGP Reporting Framework",
        ("Question", "Topic", "Status", "Where in this report"),
        tuple(
            (e["id"], e["title"], e["status"], "; ".join(SECTION_TITLES[s] for s in e["sections"]))
            for e in entries
        ),
    )
    return entries, table


def compute_figures(i: ReportInputs) -> Figures:
    """Every table of the report, the heat map, and the headline numbers."""
    risk_tables, cells, risks = _risks(i)
    ungp_entries, ungp_table = _ungp_index(i)
    tables = [*_governance(i), *risk_tables, *_gates(i), *_supply_chain(i), *grievance_tables(i)]
    tables += [*device_access_tables(i), *own_operations_tables(i), *commitment_tables(i), ungp_table]
    active = int(i.suppliers.get("active", 0))
    headline = {
        "gate_decisions": _count(i.gate_decisions),
        "salient_issues": len(risks),
        "active_suppliers": active,
        "sa8000_share": pct(int(i.suppliers.get("sa8000", 0)), active),
        "cases_decided": _count(i.case_decisions),
        "liaison_coverage": pct(i.liaison_covered, i.liaison_units),
        "audits": sum(int(a["count"]) for a in i.audits),
        "open_corrective_actions": _count(i.actions, status="open") + _count(i.actions, status="in_progress"),
    }
    return Figures(
        year=i.year,
        organisation=i.organisation,
        generated_at=i.generated_at,
        as_of=i.as_of,
        library_version=i.library_version,
        headline=headline,
        tables=tuple(tables),
        heatmap=cells,
        risks=tuple(risks),
        grievances_in_use=i.grievances is not None,
        ungp_index=tuple(ungp_entries),
    )
