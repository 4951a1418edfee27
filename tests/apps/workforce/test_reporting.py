"""Own operations in the reports: a labour-in-own-operations risk lists the own sites of its scope units as
evidence, and the transparency report has an own-operations section with each figure's definition."""

from __future__ import annotations

from conduct.apps.accounts.actors import CLI, SYSTEM
from conduct.apps.reports.services import risk_create
from conduct.apps.reports.transparency.figures import compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from conduct.apps.workforce import services
from conduct.events import suppliers as records
from tests.apps.workforce.conftest import csv_of


def _risk(unit, dimension="labour"):
    return risk_create(
        actor=CLI,
        code=f"t-{dimension}-risk",
        org_unit=unit,
        scope_units=[unit],
        title="Excessive hours at our plant",
        dimension=dimension,
        rights=["working_conditions"],
        people_affected="Production workers",
        scale=2,
        scope=3,
        irremediability=2,
        likelihood=3,
    )


def test_a_labour_risk_lists_the_own_sites_of_its_scope_units_as_evidence(world, admin, api_client):
    risk = _risk(world.plant.org_unit)
    body = api_client(admin).get(f"/api/v1/risks/{risk.code}").json()
    assert body["own_sites"] == ["t-plant"]
    page = api_client(admin).get(f"/risks/{risk.code}/")
    assert page.status_code == 200 and b"t-plant" in page.content


def test_a_risk_of_another_dimension_lists_no_own_sites(world, admin, api_client):
    risk = _risk(world.plant.org_unit, dimension="supply_chain")
    assert api_client(admin).get(f"/api/v1/risks/{risk.code}").json()["own_sites"] == []


def test_the_transparency_report_has_the_own_operations_section(world):
    records.own_site_certificate_create(
        actor=CLI, site=world.plant, standard="SA8000", number="SA-T1", valid_until="2099-01-01"
    )
    services.hours_import(
        actor=CLI,
        text=csv_of("t-plant,W-1,2026-03-02,40,8,1", "t-plant,W-2,2026-03-02,50,8,1"),
        commit=True,
    )
    services.hours_worked_record(actor=CLI, site=world.plant, month="2026-03", hours=500000)
    services.incident_record(
        actor=CLI,
        site=world.plant,
        kind="injury",
        severity="lost_time",
        date="2026-03-04",
        lost_days=2,
        description="Test",
    )
    figures = compute_figures(report_inputs(actor=SYSTEM, year=2026))
    sites = {row[0]: row for row in figures.table("own_sites").rows}
    assert sites["t-plant"][4] == "SA8000"
    (hours,) = [r for r in figures.table("own_working_time").rows if r[0] == "t-plant"]
    assert hours[1:4] == (2, 1, 0.5)
    (rate,) = [r for r in figures.table("own_injury_rates").rows if r[0] == "t-plant"]
    assert rate[1:] == (500000.0, 1, 1, 2.0, 2.0)
    assert "SA8000 clause 7" in figures.table("own_working_time").note
