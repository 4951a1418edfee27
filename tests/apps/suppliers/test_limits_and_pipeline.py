"""Bad input never breaks the server (issue 21) and every entry point goes through one "suppliers changed"
pipeline that rescores once (issue 14); a full recompute stores its scores in short transactions. Rows come
from tests/factories/suppliers.py, not the demo organisation."""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from conduct.apps.accounts.actors import CLI, SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import Supplier, SupplierRisk
from conduct.apps.suppliers.services import ImportSource, pipeline, risk, supplier_import
from conduct.events.suppliers import SuppliersChanged
from tests.apps.suppliers.conftest import csv_bytes
from tests.factories.suppliers import OfficerFactory, OrgUnitFactory, SupplierFactory

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,country,region"


@pytest.fixture
def unit() -> OrgUnit:
    return OrgUnitFactory()


@pytest.fixture
def officer(unit: OrgUnit) -> Any:
    return OfficerFactory(unit=unit)


def _post(client: Any, url: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


# --- ids and references (issue 21, item 5) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/audits?supplier=99999999999999999999", "supplier"),
        ("/api/v1/audits/export?supplier=99999999999999999999", "supplier"),
        ("/api/v1/certificates?supplier=99999999999999999999", "supplier"),
        ("/api/v1/corrective-actions?supplier=99999999999999999999", "supplier"),
        ("/api/v1/questionnaire-responses?supplier=99999999999999999999", "supplier"),
        ("/api/v1/suppliers?org_unit=99999999999999999999", "org_unit"),
    ],
)
def test_a_huge_id_in_a_filter_is_a_422_naming_the_parameter(api_client, bearer, officer, url, field):
    response = api_client().get(url, **bearer(officer))
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]


def test_a_huge_supplier_id_in_a_page_filter_is_reported_not_a_500(api_client, officer):
    page = api_client(officer).get("/suppliers/audits/?supplier=99999999999999999999")
    assert page.status_code == 200 and "is not a record number" in page.content.decode()


def test_an_empty_sub_supplier_reference_is_a_field_error(api_client, bearer, officer, unit):
    buyer = SupplierFactory(org_unit=unit)
    url = f"/api/v1/suppliers/{buyer.pk}/sub-suppliers"
    for value in ("", 99999999999999999999):
        response = _post(api_client(), url, {"supplier": value}, bearer(officer))
        assert response.status_code == 422, response.content
        assert any(f.startswith("supplier") for f in response.json()["error"]["fields"])
    sub = SupplierFactory(org_unit=unit)
    assert _post(api_client(), url, {"supplier": sub.external_id}, bearer(officer)).status_code == 201


# --- import limits (issue 21, items 5 and 6) ---------------------------------------------------------------


def _oversized_cell_csv() -> bytes:
    return csv_bytes(HEADER, "L-1,Fine Ltd,VN,", "L-2," + "x" * (128 * 1024 + 1) + ",VN,", "L-3,Late Ltd,VN,")


def test_a_csv_cell_over_128_kb_refuses_the_api_import_naming_the_row(api_client, bearer, officer):
    body = {"files": [{"name": "suppliers.csv", "content": _oversized_cell_csv().decode()}]}
    response = _post(api_client(), "/api/v1/suppliers/import?commit=true", body, bearer(officer))
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert "suppliers.csv row 3" in error["fields"]["file"] and "131,072 characters" in error["message"]
    assert not Supplier.objects.filter(external_id__startswith="L-").exists()


def test_a_csv_cell_over_128_kb_is_one_line_from_the_cli(tmp_path: Path):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(_oversized_cell_csv())
    with pytest.raises(CommandError) as refused:
        call_command("suppliers_import", str(path), "--commit")
    message = str(refused.value)
    assert "\n" not in message and "suppliers.csv row 3" in message and "nothing was imported" in message
    assert not Supplier.objects.filter(external_id__startswith="L-").exists()


def _workbook_with_padding(padding: int) -> bytes:
    """A real workbook plus one extra part of `padding` zero bytes: tiny compressed, large expanded."""
    book = Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["X-1", "Expanding Ltd", "VN", ""])
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/padding.bin", b"\0" * padding)
    return out.getvalue()


def test_an_xlsx_that_expands_beyond_the_limit_is_refused_before_it_is_opened(settings, officer, monkeypatch):
    settings.CONDUCT = {**getattr(settings, "CONDUCT", {}), "SUPPLIER_IMPORT_XLSX_MAX_BYTES": 1_000_000}
    bomb = _workbook_with_padding(4_000_000)
    assert len(bomb) < 50_000  # small on the wire, 4 MB expanded

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the workbook was opened")

    import openpyxl  # what the reader imports when it opens a workbook

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(Invalid) as refused:
        supplier_import(actor=officer, sources=[ImportSource("bomb.xlsx", content=bomb)])
    assert "expands to" in refused.value.message and "bomb.xlsx" in refused.value.fields["file"]


def test_an_xlsx_within_the_limit_imports(settings, officer):
    settings.CONDUCT = {**getattr(settings, "CONDUCT", {}), "SUPPLIER_IMPORT_XLSX_MAX_BYTES": 1_000_000}
    report = supplier_import(
        actor=officer, sources=[ImportSource("ok.xlsx", content=_workbook_with_padding(10))]
    )
    assert report.ok, report.problems


def test_more_rows_than_the_limit_refuse_the_import_at_the_first_row_over_it(settings, officer):
    settings.CONDUCT = {**getattr(settings, "CONDUCT", {}), "SUPPLIER_IMPORT_MAX_ROWS": 2}
    content = csv_bytes(HEADER, "R-1,One,VN,", "R-2,Two,VN,", "R-3,Three,VN,")
    with pytest.raises(Invalid) as refused:
        supplier_import(actor=officer, sources=[ImportSource("suppliers.csv", content=content)], commit=True)
    assert refused.value.fields["file"].startswith("suppliers.csv row 4:")
    assert not Supplier.objects.filter(external_id__startswith="R-").exists()


# --- the CLI's org unit (issue 21)
# ---------------------------------------------------------------------------


def _clean_file(tmp_path: Path, prefix: str) -> Path:
    path = tmp_path / "suppliers.csv"
    path.write_bytes(
        csv_bytes(HEADER, f"{prefix}-1,{prefix} One Ltd,VN,", f"{prefix}-2,{prefix} Two Ltd,CN,")
    )
    return path


def test_the_cli_puts_new_suppliers_in_the_top_unit_or_the_unit_it_is_given(tmp_path: Path, unit: OrgUnit):
    call_command(
        "suppliers_import", str(_clean_file(tmp_path, "TOP")), "--commit", "--no-risk", stdout=io.StringIO()
    )
    top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    assert {s.org_unit_id for s in Supplier.objects.filter(external_id__startswith="TOP-")} == {top.pk}
    call_command(
        "suppliers_import",
        str(_clean_file(tmp_path, "UNI")),
        "--commit",
        "--unit",
        unit.code,
        stdout=io.StringIO(),
    )
    assert {s.org_unit_id for s in Supplier.objects.filter(external_id__startswith="UNI-")} == {unit.pk}


def test_the_cli_on_an_install_without_org_units_says_what_to_do(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("conduct.apps.suppliers.services.importing.default_unit", lambda actor: None)
    with pytest.raises(CommandError) as refused:
        call_command("suppliers_import", str(_clean_file(tmp_path, "NEW")), "--commit")
    assert "conduct org init" in str(refused.value) and "\n" not in str(refused.value)


# --- one pipeline (issue 14)
# ---------------------------------------------------------------------------------


@pytest.fixture
def emitted(monkeypatch) -> list[SuppliersChanged]:
    events: list[SuppliersChanged] = []
    real = pipeline.emit

    def record(event: Any) -> list[Any]:
        events.append(event)
        return real(event)

    monkeypatch.setattr(pipeline, "emit", record)
    return events


def test_creating_and_renaming_a_supplier_goes_through_the_pipeline_and_rescores_it_once(
    officer, unit, emitted, monkeypatch
):
    refreshed: list[list[int]] = []
    real = pipeline.risk_refresh
    monkeypatch.setattr(pipeline, "risk_refresh", lambda ids: refreshed.append(list(ids)) or real(ids))
    supplier = services.supplier_create(actor=officer, name="Pipeline Ltd", country="VN", org_unit=unit)
    services.supplier_update(actor=officer, supplier=supplier, name="Pipeline Renamed Ltd")
    services.supplier_update(
        actor=officer, supplier=supplier, address="A new street"
    )  # nothing derived changes
    assert [(e.reason, e.screen, [s.pk for s in e.suppliers]) for e in emitted] == [
        ("create", True, [supplier.pk]),
        ("update", True, [supplier.pk]),
    ]
    assert refreshed == [[supplier.pk], [supplier.pk]]
    supplier.refresh_from_db()
    assert supplier.risk_score is not None


def test_the_cli_import_sends_its_suppliers_through_the_pipeline_in_batches_and_recomputes_once(
    tmp_path: Path, emitted, monkeypatch
):
    from conduct.events import subscribe

    @subscribe(SuppliersChanged, name="tests.suppliers.listener")
    def listener(event: SuppliersChanged) -> None:  # makes sure the follow-up has someone to tell
        return None

    monkeypatch.setattr(pipeline, "IMPORT_BATCH", 1)
    before = LedgerEntry.objects.filter(action="supplier.risk_recompute").count()
    out = io.StringIO()
    call_command("suppliers_import", str(_clean_file(tmp_path, "CLI")), "--commit", stdout=out)
    imported = set(Supplier.objects.filter(external_id__startswith="CLI-").values_list("pk", flat=True))
    assert [e.reason for e in emitted] == ["import", "import"]
    assert {e.suppliers[0].pk for e in emitted} == imported and not any(e.recompute_risk for e in emitted)
    assert LedgerEntry.objects.filter(action="supplier.risk_recompute").count() == before + 1
    assert "Risk recomputed for" in out.getvalue()
    assert LedgerEntry.objects.filter(action="supplier.import").latest("seq").actor == CLI.label


# --- the full recompute in batches (issue 21, item 11)
# -----------------------------------------------------------


def test_the_full_recompute_stores_in_batches_with_the_same_result_and_one_ledger_entry(unit):
    SupplierFactory.create_batch(7, org_unit=unit)
    before = LedgerEntry.objects.filter(action="supplier.risk_recompute").count()
    summary = services.risk_recompute_all(actor=SYSTEM, batch_size=3)
    entry = LedgerEntry.objects.filter(action="supplier.risk_recompute").latest("seq")
    assert LedgerEntry.objects.filter(action="supplier.risk_recompute").count() == before + 1
    changed = entry.summary["changed"]
    assert changed >= 7 and summary.batches == math.ceil(changed / 3)
    assert SupplierRisk.objects.filter(supplier__org_unit=unit).count() == 7
    again = services.risk_recompute_all(
        actor=SYSTEM, batch_size=1000
    )  # one transaction: nothing left to change
    assert again.batches == 0
    assert LedgerEntry.objects.filter(action="supplier.risk_recompute").latest("seq").summary["changed"] == 0


def test_a_score_written_by_an_interactive_change_during_the_recompute_is_kept(unit):
    from django.utils import timezone

    supplier = SupplierFactory(org_unit=unit)
    since = timezone.now()
    results = risk.risk_refresh([supplier.pk])  # an interactive change, after the recompute read its facts
    stored = SupplierRisk.objects.get(supplier=supplier)
    stale = [(supplier.pk, 99, "critical", "[]", 0, 1, since)]
    written, batches = risk._store_in_batches(stale, since, 500)
    assert (written, batches) == (0, 1)
    assert SupplierRisk.objects.get(supplier=supplier).score == stored.score == results[supplier.pk].score
