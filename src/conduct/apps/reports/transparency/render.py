"""Lay the figures out as files: index.html (accessible), report.pdf (WeasyPrint, from the same HTML),
data.json, one CSV per figure table under data/, and the charts as SVG under charts/."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from conduct.apps import csvsafe
from conduct.apps.reports.transparency import charts
from conduct.apps.reports.transparency.figures import GATES, OUTCOMES, Figures
from conduct.apps.reports.transparency.labels import Localiser
from conduct.apps.reports.transparency.ungp_index import SECTION_TITLES

OUTCOME_FILLS = {"Allow": "#1f6b35", "Review": "#8a5a00", "Deny": "#a4161a"}
SECTION_TABLES = {
    "governance": (
        "governance_committees",
        "governance_cases",
        "governance_liaisons",
        "governance_recommendations",
    ),
    "salient": ("salient_issues", "salient_ratings", "salient_heatmap", "salient_bands"),
    "gates": ("gate_decisions", "gate_resolutions"),
    "supply": ("certification_coverage", "audits", "audit_findings", "corrective_actions"),
    "grievances": ("grievances",),
    "device_access": ("device_access",),
    "commitments": ("public_commitments",),
    "own_operations": ("own_sites", "own_working_time", "own_injury_rates", "own_policies_training"),
}


def build_charts(f: Figures) -> dict[str, str]:
    """The charts, in the active language (their titles and labels through gettext)."""
    loc = Localiser(f.year, f.as_of.isoformat())
    gates = f.table("gate_decisions")
    gate_rows = [
        (loc.text(row[0]), [int(v) for v in row[1 : 1 + len(OUTCOMES)]]) for row in gates.rows[: len(GATES)]
    ]
    certs = f.table("certification_coverage")
    actions = f.table("corrective_actions")
    year = {"year": f.year}
    return {
        "heatmap": charts.heatmap_chart(
            "chart-heatmap",
            gettext("Salient human-rights issues by severity and likelihood, %(year)s") % year,
            f.heatmap,
        ),
        "gates": charts.stacked_chart(
            "chart-gates",
            gettext("Gate decisions by gate and outcome, %(year)s") % year,
            gate_rows,
            [(loc.text(label), OUTCOME_FILLS[label]) for _, label in OUTCOMES],
        ),
        "certificates": charts.bar_chart(
            "chart-certificates",
            gettext("Active suppliers with a valid certificate (%)"),
            [(loc.text(row[0]), float(row[3])) for row in certs.rows[:4]],
            unit="%",
            maximum=100.0,
        ),
        "actions": charts.bar_chart(
            "chart-actions",
            gettext("Corrective actions for the %(year)s findings, by status") % year,
            [(str(loc.text(row[0])), float(row[1])) for row in actions.rows],
        ),
    }


def render_html(f: Figures, chart_svgs: dict[str, str]) -> str:
    """index.html in the active language: the fixed text translated, the figures as computed."""
    loc = Localiser(f.year, f.as_of.isoformat())
    tables = {key: [loc.table(f.table(t)) for t in ids] for key, ids in SECTION_TABLES.items()}
    return render_to_string(
        "reports/transparency/index.html",
        {
            "f": f,
            "tables": tables,
            "charts": chart_svgs,
            "year": f.year,
            "section_titles": {key: gettext(title) for key, title in SECTION_TITLES.items()},
            "generated": date_format(f.generated_at, "d F Y, H:i") + " UTC",
        },
    )


def _csv(columns: tuple[str, ...], rows: tuple[tuple[Any, ...], ...]) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_files(
    f: Figures, directory: Path, *, progress: Callable[[str], None] = lambda _: None, pdf: bool = True
) -> list[str]:
    """Write every output file into `directory` (which must exist); returns their relative paths."""
    written: list[str] = []

    def put(name: str, data: bytes) -> None:
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(name)

    progress(gettext_noop("Drawing the charts"))
    chart_svgs = build_charts(f)
    for name, svg in chart_svgs.items():
        put(f"charts/{name}.svg", (svg + "\n").encode("utf-8"))
    progress(gettext_noop("Writing the data files"))
    put("data.json", (json.dumps(f.as_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    for table in f.tables:
        put(f"data/{table.id}.csv", _csv(table.columns, table.rows))
    progress(gettext_noop("Writing index.html"))
    html = render_html(f, chart_svgs)
    put("index.html", html.encode("utf-8"))
    if pdf:
        progress(gettext_noop("Writing report.pdf"))
        put("report.pdf", render_pdf(html, directory))
    return written


def render_pdf(html: str, base: Path) -> bytes:
    import logging

    from weasyprint import HTML

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    return bytes(HTML(string=html, base_url=str(base)).write_pdf())
