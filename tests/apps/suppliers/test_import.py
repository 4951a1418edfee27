"""Importing suppliers: a messy spreadsheet is reported row by row and column and imports nothing; a clean one
imports exactly, in one transaction, with one ledger entry; importing it again creates no duplicates."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.suppliers.models import Certificate, Supplier, SupplierRelation, SupplierSite
from conduct.apps.suppliers.services import ImportSource, supplier_import
from tests.apps.suppliers.conftest import csv_bytes

pytestmark = pytest.mark.django_db

MESSY_SUPPLIERS = csv_bytes(
    "external_id,name,country,region,categories,parent_external_id,registration_id,status",
    "M-1,Mekong Cables JSC,VN,Hai Phong,electronics_assembly,,VN-555,prospect",
    "M-2,Dragon Plastics,XX,,plastics,,VN-556,",  # unknown country code
    "M-1,Mekong Cables again,VN,,pcb,,,",  # duplicate external id
    "M-3,Ghost Parent Ltd,CN,,metals,NOPE-9,,",  # unknown parent
    "M-4,Registration Twins,VN,,pcb,,VN-555,",  # duplicate registration id
    "M-5,Odd Category Co,DE,,widgets;pcb,,,",  # unknown category
    ",No Id Co,DE,,pcb,,,",  # missing required field
    "M-6,Status Co,DE,,pcb,,,dormant",  # unknown status
)
MESSY_CERTIFICATES = csv_bytes(
    "supplier_external_id,standard,number,issuer,valid_from,valid_until",
    "M-1,SA8000,SA-1,SGS,2025-01-01,31/12/2027",  # fine: an unmistakable day-first date
    "M-1,ISO 14001,EMS-1,SGS,2025-01-01,03/04/2027",  # ambiguous
    "M-1,ISO 45001,OHS-1,SGS,2025-01-01,2027-02-30",  # impossible
    "M-1,SA8000,SA-2,SGS,2026-06-01,2025-06-01",  # ends before it starts
    "ZZ-404,SA8000,SA-3,SGS,,2027-01-01",  # unknown supplier
    "M-1,ISO 14001,EMS-2,SGS,,",  # missing valid_until
)


def problems_of(report):
    return {(p.file, p.row, p.column) for p in report.problems}


def test_a_messy_spreadsheet_is_reported_row_by_row_and_imports_nothing(officer):
    suppliers_before, ledger_before = Supplier.objects.count(), LedgerEntry.objects.count()
    report = supplier_import(
        actor=officer,
        commit=True,
        sources=[
            ImportSource("suppliers.csv", content=MESSY_SUPPLIERS),
            ImportSource("certificates.csv", content=MESSY_CERTIFICATES),
        ],
    )
    assert not report.ok and not report.committed
    found = problems_of(report)
    expected = {
        ("suppliers.csv", 3, "country"),
        ("suppliers.csv", 4, "external_id"),
        ("suppliers.csv", 5, "parent_external_id"),
        ("suppliers.csv", 6, "registration_id"),
        ("suppliers.csv", 7, "categories"),
        ("suppliers.csv", 8, "external_id"),
        ("suppliers.csv", 9, "status"),
        ("certificates.csv", 3, "valid_until"),
        ("certificates.csv", 4, "valid_until"),
        ("certificates.csv", 5, "valid_until"),
        ("certificates.csv", 6, "supplier_external_id"),
        ("certificates.csv", 7, "valid_until"),
    }
    assert found == expected, sorted(found ^ expected)
    messages = {(p.row, p.column): p.message for p in report.problems if p.file == "certificates.csv"}
    assert "ambiguous" in messages[(3, "valid_until")]
    assert "February 2027 has 28 days" in messages[(4, "valid_until")]
    assert "before valid_from" in messages[(5, "valid_until")]
    by_row = {(p.row, p.column): p for p in report.problems if p.file == "suppliers.csv"}
    assert "unknown country code 'XX'" in by_row[(3, "country")].message
    assert "also on row 2" in by_row[(4, "external_id")].message
    assert "unknown parent 'NOPE-9'" in by_row[(5, "parent_external_id")].message
    assert by_row[(7, "categories")].value == "widgets"
    assert Supplier.objects.count() == suppliers_before
    assert not Certificate.objects.filter(number="SA-1").exists()
    assert LedgerEntry.objects.count() == ledger_before


def test_the_command_previews_lists_every_problem_and_exits_non_zero(tmp_path):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(MESSY_SUPPLIERS)
    out = io.StringIO()
    for extra in ([], ["--commit"]):
        with pytest.raises(CommandError) as caught:
            call_command("suppliers_import", str(path), *extra, stdout=out)
        assert caught.value.returncode == 1
        assert "nothing was imported" in str(caught.value)
    text = out.getvalue()
    assert "suppliers.csv row 3, column country: unknown country code 'XX'" in text
    assert "suppliers.csv row 5, column parent_external_id: unknown parent 'NOPE-9'" in text
    assert not Supplier.objects.filter(external_id="M-1").exists()


CLEAN = {
    "suppliers.csv": csv_bytes(
        "external_id,name,country,region,categories,parent_external_id,registration_id,status,aliases",
        "C-1,Clean Assembly Co,VN,Bac Ninh,electronics_assembly;pcb,,VN-900,active,Clean EA",
        "C-2,Clean Boards Ltd,CN,Guangdong,pcb,C-3,CN-901,,",  # its parent comes later in the file
        "C-3,Clean Holdings Ltd,HK,,services,,,,",
        "C-4,Clean Wire Mill,CN,Xinjiang,raw_materials,,,,",
    ),
    "sites.csv": csv_bytes(
        "supplier_external_id,site_name,country,region,headcount",
        "C-1,Bac Ninh plant,VN,Bac Ninh,1200",
        "C-2,Bao'an works,CN,Guangdong,800",
    ),
    "certificates.csv": csv_bytes(
        "supplier_external_id,standard,number,issuer,valid_from,valid_until",
        "C-1,SA 8000:2014,SA-900,SGS,2025-03-01,2028-02-28",
        "C-1,ISO 14001,EMS-900,TÜV SÜD,2024-06-01,31/05/2027",
        "C-2,ISO45001:2018,OHS-901,Bureau Veritas,2025-01-01T00:00:00,2027-12-31",
    ),
    "relations.csv": csv_bytes(
        "buyer_external_id,supplier_external_id",
        "C-1,C-2",
        "C-2,C-4",
        "ACME-001,C-1",  # an existing supplier buys from a new one
    ),
}


def sources(files):
    return [ImportSource(name, content=content) for name, content in files.items()]


def test_a_clean_set_of_files_imports_exactly_in_one_go_with_one_ledger_entry(officer):
    ledger_before = LedgerEntry.objects.count()
    preview = supplier_import(actor=officer, sources=sources(CLEAN))
    assert preview.ok and not preview.committed
    assert not Supplier.objects.filter(external_id="C-1").exists()

    report = supplier_import(actor=officer, sources=sources(CLEAN), commit=True)
    assert report.ok and report.committed, report.problems
    assert report.counts["suppliers"] == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0}
    assert report.counts["certificates"]["created"] == 3
    assert report.counts["relations"]["created"] == 3

    c1, c2, c3, c4 = (Supplier.objects.get(external_id=f"C-{n}") for n in range(1, 5))
    assert (
        c1.category_list == ["electronics_assembly", "pcb"]
        and c1.status == "active"
        and c1.aliases == ["Clean EA"]
    )
    assert c1.org_unit == officer.home_unit
    assert c2.parent_company == c3 and c2.status == "prospect"
    assert c4.designated_region.startswith("Xinjiang")
    assert {
        (c.standard, c.number, c.valid_until) for c in Certificate.objects.filter(supplier__in=[c1, c2])
    } == {
        ("SA8000", "SA-900", date(2028, 2, 28)),
        ("ISO 14001", "EMS-900", date(2027, 5, 31)),
        ("ISO 45001", "OHS-901", date(2027, 12, 31)),
    }
    assert SupplierSite.objects.get(supplier=c1).headcount == 1200
    assert (c1.tier, c2.tier, c4.tier) == (2, 3, 4)  # ACME (tier 1) -> C-1 -> C-2 -> C-4
    assert SupplierRelation.objects.filter(buyer__external_id="ACME-001", supplier=c1).exists()

    entries = LedgerEntry.objects.filter(seq__gt=ledger_before, action="supplier.import")
    assert entries.count() == 1
    summary = entries.get().summary
    assert {f["name"] for f in summary["files"]} == set(CLEAN)
    assert all(len(f["sha256"]) == 64 for f in summary["files"])
    assert summary["counts"]["suppliers"]["created"] == 4


def test_importing_the_same_files_again_updates_by_external_id_and_duplicates_nothing(officer):
    supplier_import(actor=officer, sources=sources(CLEAN), commit=True)
    counts = (
        Supplier.objects.count(),
        Certificate.objects.count(),
        SupplierRelation.objects.count(),
        SupplierSite.objects.count(),
    )

    again = supplier_import(actor=officer, sources=sources(CLEAN), commit=True)
    assert again.committed
    assert again.counts["suppliers"] == {"rows": 4, "created": 0, "updated": 0, "unchanged": 4}
    assert again.counts["certificates"] == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert again.counts["relations"]["unchanged"] == 3
    assert (
        Supplier.objects.count(),
        Certificate.objects.count(),
        SupplierRelation.objects.count(),
        SupplierSite.objects.count(),
    ) == counts

    changed = dict(CLEAN)
    changed["suppliers.csv"] = CLEAN["suppliers.csv"].replace(b"Clean Boards Ltd", b"Clean Boards Limited")
    changed["certificates.csv"] = CLEAN["certificates.csv"].replace(b"2028-02-28", b"2029-02-28")
    third = supplier_import(actor=officer, sources=sources(changed), commit=True)
    assert third.counts["suppliers"]["updated"] == 1 and third.counts["certificates"]["updated"] == 1
    assert Supplier.objects.get(external_id="C-2").name == "Clean Boards Limited"
    assert Certificate.objects.get(number="SA-900").valid_until == date(2029, 2, 28)
    assert Supplier.objects.count() == counts[0]


def test_an_xlsx_workbook_with_a_sheet_per_kind_and_excel_dates_imports(officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Lieferanten"
    sheet.append(["External ID", "Name", "Country", "Categories"])
    sheet.append([7001, "Xcel Metals GmbH", "DE", "metals"])  # a numeric id cell reads as text
    certs = workbook.create_sheet("Zertifikate")
    certs.append(["supplier_external_id", "standard", "number", "valid_from", "valid_until"])
    certs.append(["7001", "ISO 14001", "DE-14-1", datetime(2025, 1, 1), 46752])  # a date cell and a serial
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = supplier_import(
        actor=officer, sources=[ImportSource("book.xlsx", content=buffer.getvalue())], commit=True
    )
    assert report.committed, report.problems
    assert {(f.sheet, f.kind) for f in report.files} == {
        ("Lieferanten", "suppliers"),
        ("Zertifikate", "certificates"),
    }
    cert = Certificate.objects.get(number="DE-14-1")
    assert cert.supplier.external_id == "7001"
    assert (cert.valid_from, cert.valid_until) == (date(2025, 1, 1), date(2027, 12, 31))


def test_a_file_whose_header_says_nothing_known_or_lacks_a_column_is_reported(officer):
    report = supplier_import(
        actor=officer,
        sources=[
            ImportSource("mystery.csv", content=csv_bytes("foo,bar", "1,2")),
            ImportSource("suppliers.csv", content=csv_bytes("external_id,name,contry", "Q-1,Quiet Co,VN")),
        ],
    )
    found = problems_of(report)
    assert ("mystery.csv", 1, "") in found
    assert ("suppliers.csv", 1, "country") in found  # the required column is missing
    assert ("suppliers.csv", 1, "contry") in found  # and the misspelt one is not silently dropped


def test_the_api_previews_json_and_imports_multipart_with_the_report(api_client, officer, bearer):
    client = api_client()
    body = {"files": [{"name": "suppliers.csv", "content": MESSY_SUPPLIERS.decode()}]}
    preview = client.post(
        "/api/v1/suppliers/import", json.dumps(body), content_type="application/json", **bearer(officer)
    )
    assert preview.status_code == 200, preview.content
    data = preview.json()
    assert data["ok"] is False and data["committed"] is False and data["problem_count"] == 7
    assert {"file": "suppliers.csv", "row": 3, "column": "country"}.items() <= data["problems"][0].items()

    files = [io.BytesIO(content) for content in CLEAN.values()]
    for handle, name in zip(files, CLEAN, strict=True):
        handle.name = name
    response = client.post("/api/v1/suppliers/import?commit=true", {"file": files}, **bearer(officer))
    assert response.status_code == 200, response.content
    assert response.json()["committed"] is True
    assert Supplier.objects.filter(external_id__startswith="C-").count() == 4


def test_the_import_page_shows_the_problems_and_imports_a_clean_file(api_client, officer):
    client = api_client(officer)
    messy = io.BytesIO(MESSY_SUPPLIERS)
    messy.name = "suppliers.csv"
    page = client.post("/suppliers/import/", {"files": [messy], "commit": "1"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "nothing was imported" in html and "unknown country code" in html
    assert not Supplier.objects.filter(external_id="M-1").exists()

    clean = io.BytesIO(CLEAN["suppliers.csv"])
    clean.name = "suppliers.csv"
    done = client.post("/suppliers/import/", {"files": [clean], "commit": "1"})
    assert done.status_code == 200 and "Imported" in done.content.decode()
    assert Supplier.objects.filter(external_id__startswith="C-").count() == 4


def test_the_shipped_templates_import_cleanly(officer):
    from conduct.datafiles import data_path

    folder = data_path("templates", "suppliers")
    csvs = [ImportSource(p.name, path=p) for p in sorted(folder.glob("*.csv"))]
    assert supplier_import(actor=officer, sources=csvs).ok
    book = supplier_import(
        actor=officer, sources=[ImportSource("x.xlsx", path=folder / "suppliers-import.xlsx")]
    )
    assert book.ok, book.problems
    assert {f.kind for f in book.files} == {"suppliers", "sites", "certificates", "relations"}


def test_only_programme_roles_import(liaison_uk, auditor):
    from conduct.apps.errors import Forbidden

    for actor in (liaison_uk, auditor):
        with pytest.raises(Forbidden):
            supplier_import(actor=actor, sources=sources(CLEAN))


def test_a_committed_import_queues_one_follow_up_that_screens_and_recomputes_risk_once(
    api_client, officer, bearer, django_capture_on_commit_callbacks
):
    from django.apps import apps

    body = {"files": [{"name": "suppliers.csv", "content": CLEAN["suppliers.csv"].decode()}]}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client().post(
            "/api/v1/suppliers/import?commit=true",
            json.dumps(body),
            content_type="application/json",
            **bearer(officer),
        )
    assert response.status_code == 200 and response.json()["committed"]
    assert len(callbacks) == 1  # one follow-up: the 4 new suppliers through the pipeline, then one recompute
    imported = Supplier.objects.filter(external_id__startswith="C-")
    assert all(s.risk_score is not None for s in imported)
    if apps.is_installed("conduct.apps.screening"):
        from conduct.apps.screening.models import ScreenedParty

        assert set(
            ScreenedParty.objects.filter(reference__in=[f"supplier:{s.pk}" for s in imported]).values_list(
                "name", flat=True
            )
        ) == {s.name for s in imported}
