"""The transparency report's public commitments: only those marked public, with their text, where they were
made, due date and status (never the unit), in data.json, the CSV file and the HTML."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.engagement.models import Commitment
from conduct.apps.reports.transparency.figures import compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from conduct.apps.reports.transparency.render import write_files
from tests.factories.engagement import CommitmentFactory

pytestmark = pytest.mark.django_db


def test_only_public_commitments_are_reported(tmp_path: Path) -> None:
    Commitment.objects.update(public=False)  # the demo's own are left out of this count
    CommitmentFactory(text="Publish the list of analytics products", due_date=date(2026, 3, 1), public=True)
    CommitmentFactory(text="Internal only", public=False)
    CommitmentFactory(text="Stop the old firmware", due_date=date(2026, 1, 1), public=True, status="dropped")

    write_files(compute_figures(report_inputs(actor=SYSTEM, year=2026)), tmp_path, pdf=False)

    data = json.loads((tmp_path / "data.json").read_text())
    table = next(t for t in data["tables"] if t["id"] == "public_commitments")
    assert table["section"] == "commitments"
    assert table["rows"] == [
        ["Stop the old firmware", "Letter", "2026-01-01", "Dropped"],
        ["Publish the list of analytics products", "Letter", "2026-03-01", "Open"],
    ]
    with (tmp_path / "data" / "public_commitments.csv").open(newline="") as fh:
        assert list(csv.reader(fh))[1][0] == "Stop the old firmware"
    html = (tmp_path / "index.html").read_text()
    section = html[html.index('<section id="commitments"') :]
    assert "Publish the list of analytics products" in section[: section.index("</section>")]
    assert "Internal only" not in html
