"""Every list exports to CSV and XLSX with its current filters."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories.suppliers import OfficerFactory, OrgUnitFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_supplier_list_exports_csv_with_its_filters(api_client, officer):
    response = api_client(officer).get("/suppliers/?country=CN&sort=-risk&export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert {r["external_id"] for r in rows} == {"BRD-002", "XJC-003", "CHM-010"}
    assert [int(r["risk_score"]) for r in rows] == sorted((int(r["risk_score"]) for r in rows), reverse=True)


def test_the_supplier_list_exports_xlsx_with_its_filters(api_client, officer):
    response = api_client(officer).get("/suppliers/?category=pcb&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    ids = {row[header.index("external_id")] for row in rows[1:]}
    assert ids == {"ACME-001", "BRD-002"}


def test_the_api_exports_with_the_same_filters_as_its_list(api_client, officer, bearer):
    client, headers = api_client(), bearer(officer)
    listed = client.get("/api/v1/suppliers?certificate_status=expiring&limit=500", **headers).json()
    exported = csv_rows(
        client.get("/api/v1/suppliers/export?certificate_status=expiring&format=csv", **headers)
    )
    assert (
        {s["external_id"] for s in listed["items"]}
        == {r["external_id"] for r in exported}
        == {"ACME-001", "BRD-002", "SEM-006"}
    )
    overdue = csv_rows(client.get("/api/v1/corrective-actions/export?overdue=true", **headers))
    assert {r["supplier"] for r in overdue} == {
        "Acme Electronics Assembly Ltd.",
        "Penang Metal Works Sdn Bhd",
    }
    assert all(r["overdue"] == "True" for r in overdue)
    certs = client.get("/api/v1/certificates/export?status=expired&format=xlsx", **headers)
    rows = list(load_workbook(io.BytesIO(certs.content), read_only=True).active.iter_rows(values_only=True))
    assert [r[rows[0].index("number")] for r in rows[1:]] == ["SA-1876"]


@pytest.mark.parametrize(
    "path",
    ["/suppliers/certificates/", "/suppliers/actions/", "/suppliers/audits/", "/suppliers/questionnaires/"],
)
def test_every_list_page_exports_both_formats(api_client, officer, path):
    client = api_client(officer)
    assert len(csv_rows(client.get(path + "?export=csv"))) >= 1
    assert client.get(path + "?export=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_liaison_exports_only_the_suppliers_of_their_units(api_client, liaison_uk):
    rows = csv_rows(api_client(liaison_uk).get("/suppliers/?export=csv"))
    assert [r["external_id"] for r in rows] == ["LOG-008"]


def test_a_formula_in_a_cell_is_not_run_by_the_spreadsheet(api_client, officer, acme):
    from conduct.apps.suppliers import services

    services.supplier_update(actor=officer, supplier=acme, region='=HYPERLINK("http://x")')
    rows = csv_rows(api_client(officer).get("/suppliers/?q=Acme&export=csv"))
    assert rows[0]["region"].startswith("'=")


FORMULA_NAMES = ['=HYPERLINK("http://x.example","click")', "+1", "@x", "-2"]


def test_a_formula_like_supplier_name_is_text_in_both_formats(api_client):
    unit = OrgUnitFactory()
    for name in FORMULA_NAMES:
        SupplierFactory(org_unit=unit, name=name)
    client = api_client(OfficerFactory(unit=unit))
    names = sorted(r["name"] for r in csv_rows(client.get("/suppliers/?export=csv")))
    assert names == sorted("'" + name for name in FORMULA_NAMES)
    sheet = load_workbook(io.BytesIO(client.get("/suppliers/?export=xlsx").content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    cells = sorted(row[rows[0].index("name")] for row in rows[1:])
    assert cells == sorted("'" + name for name in FORMULA_NAMES)
