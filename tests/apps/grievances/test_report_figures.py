"""The transparency report's grievance section: counts by channel, language, dimension and relation, the
medians and shares in time, remedies and satisfaction, each with the UNGP 31 criteria it evidences; no cell
under 5, and no text of any report."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.grievances.models import Grievance
from conduct.apps.grievances.selectors import grievance_figures
from conduct.apps.reports.transparency.figures import compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from tests.factories.grievances import GrievanceFactory

YEAR = 2025


def _at(day: int) -> datetime:
    return datetime(YEAR, 3, day, 9, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def year_of_reports(db: None) -> None:
    Grievance.objects.filter(received_at__year=YEAR).delete()
    for n in range(6):  # six English web reports by employees, acknowledged in 2 days, closed with a remedy
        start = _at(n + 1)
        GrievanceFactory(
            received_at=start,
            dimension="labour",
            status="closed",
            acknowledged_at=start + timedelta(days=2),
            feedback_at=start + timedelta(days=20),
            closed_at=start + timedelta(days=30),
            remedy_type="compensation",
            remedy_accepted=True,
            satisfaction=4,
        )
    for n in range(2):  # two Chinese reports by supplier workers, acknowledged late
        start = _at(10 + n)
        GrievanceFactory(
            received_at=start,
            language="zh-hans",
            channel="api",
            relation="supplier_worker",
            status="acknowledged",
            acknowledged_at=start + timedelta(days=9),
        )


def test_small_cells_are_suppressed_and_medians_need_five_reports(year_of_reports):
    figures = grievance_figures(_at(1).replace(month=1, day=1), _at(1).replace(year=YEAR + 1, month=1, day=1))
    assert figures["received"] == 8
    assert figures["by_language"] == {"en": 6, "zh-hans": "<5"}
    assert figures["by_relation"] == {"employee": 6, "supplier_worker": "<5"}
    assert figures["by_channel"] == {"api": "<5", "web": 6}
    assert figures["median_days_to_acknowledge"] == 2.0
    assert figures["median_days_to_close"] == 30.0
    assert figures["share_acknowledged_in_time"] == 75.0
    assert figures["remedies"] == {"compensation": 6}
    assert figures["satisfaction_mean"] == 4.0


def test_the_report_section_shows_the_figures_with_their_ungp_31_criteria(year_of_reports):
    figures = compute_figures(report_inputs(actor=SYSTEM, year=YEAR, today=datetime(YEAR, 12, 31).date()))
    assert figures.grievances_in_use
    tables = {t.id: t for t in figures.tables if t.section == "grievances"}
    assert set(tables) == {"grievances", "grievance_breakdown", "grievance_remedies"}
    measures = {row[0]: row for row in tables["grievances"].rows}
    assert measures["Median days to acknowledge"][1:] == (2.0, "31c predictable")
    breakdown = {(row[0], row[1]): row[2] for row in tables["grievance_breakdown"].rows}
    assert breakdown[("Language", "zh-hans")] == "<5"
    assert all(row[-1].startswith("31") for t in tables.values() for row in t.rows)
    text = repr([t.as_dict() for t in tables.values()])
    assert "factory" not in text  # no report's text reaches the report


def test_a_year_with_fewer_than_five_reports_publishes_no_count_that_could_identify(db):
    Grievance.objects.filter(received_at__year=YEAR - 1).delete()
    GrievanceFactory(received_at=_at(1).replace(year=YEAR - 1))
    figures = grievance_figures(_at(1).replace(year=YEAR - 1, month=1, day=1), _at(1).replace(month=1, day=1))
    assert figures["received"] == "<5"
    assert figures["median_days_to_acknowledge"] is None
    assert figures["by_language"] == {"en": "<5"}
