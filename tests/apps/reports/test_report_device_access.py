"""The transparency report's Device access section: the year's requests, answers, expiries and access
sessions, with each measure defined, in data.json, its CSV file and the HTML."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conduct.apps.access.models import RequestStatus
from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.reports.transparency.figures import compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from conduct.apps.reports.transparency.render import write_files
from tests.factories.access import AccessEventFactory, AccessRequestFactory, DeviceFactory

pytestmark = pytest.mark.django_db

YEAR = 2019  # a year of its own: nothing else in the test database falls in it
JAN = datetime(YEAR, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def device_access_year() -> None:
    """Four requests (approved after 2 h, denied after 4 h, one expired, one left pending past its answer-by
    time) and three access sessions, one without a grant; plus a request and a session of the year after."""
    AccessRequestFactory(status=RequestStatus.APPROVED, created_at=JAN, answered_at=JAN + timedelta(hours=2))
    AccessRequestFactory(status=RequestStatus.DENIED, created_at=JAN, answered_at=JAN + timedelta(hours=4))
    AccessRequestFactory(status=RequestStatus.EXPIRED, created_at=JAN)
    AccessRequestFactory(status=RequestStatus.PENDING, created_at=JAN + timedelta(days=30))
    AccessRequestFactory(status=RequestStatus.APPROVED, created_at=JAN.replace(year=YEAR + 1))
    device = DeviceFactory()
    AccessEventFactory(device=device, started_at=JAN + timedelta(hours=3))
    AccessEventFactory(device=device, started_at=JAN + timedelta(days=2))
    AccessEventFactory(device=device, started_at=JAN + timedelta(days=5), authorised=False, reason="no grant")
    AccessEventFactory(device=device, started_at=JAN.replace(year=YEAR + 1), authorised=False)


EXPECTED = {
    "Access requests": 4,
    "Approved": 1,
    "Denied": 1,
    "Expired unanswered": 2,
    "Median hours to answer": 3.0,
    "Access sessions": 3,
    "Accesses without a grant": 1,
}


def test_the_report_counts_the_years_device_access(device_access_year: None, tmp_path: Path) -> None:
    write_files(compute_figures(report_inputs(actor=SYSTEM, year=YEAR)), tmp_path, pdf=False)

    data = json.loads((tmp_path / "data.json").read_text())
    table = next(t for t in data["tables"] if t["id"] == "device_access")
    assert (table["section"], table["columns"]) == ("device-access", ["Measure", "Value", "Definition"])
    assert {row[0]: row[1] for row in table["rows"]} == EXPECTED
    assert all(row[2] for row in table["rows"])  # every measure is defined
    with (tmp_path / "data" / "device_access.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == table["columns"] and rows[1:] == [[str(v) for v in row] for row in table["rows"]]

    html = (tmp_path / "index.html").read_text()
    section = html[html.index('<section id="device-access"') :]
    section = section[: section.index("</section>")]
    assert "only with the customer's approval" in section.replace("&#x27;", "'")
    assert '<table id="table-device_access">' in section
    assert '<th scope="row">Accesses without a grant</th><td>1</td>' in section
    assert '<th scope="row">Median hours to answer</th><td>3.0</td>' in section
    assert html.index('id="grievances"') < html.index('id="device-access"') < html.index('id="ungp-index"')
    questions = {q["id"]: q for q in data["ungp_index"]}
    assert "device-access" in questions["C5"]["sections"]


def test_a_year_without_answers_says_so_rather_than_a_median(tmp_path: Path) -> None:
    AccessRequestFactory(status=RequestStatus.EXPIRED, created_at=JAN)
    figures = compute_figures(report_inputs(actor=SYSTEM, year=YEAR))
    rows = {row[0]: row[1] for row in figures.table("device_access").rows}
    assert rows["Median hours to answer"] == "no answers" and rows["Access requests"] == 1
