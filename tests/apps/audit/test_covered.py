"""Imported objects are reconciled one by one: a supplier import records the state hash of every supplier and
certificate it writes beside its one ledger entry (audit.CoveredObject), bound to the chain by the hash in the
entry's summary. A row changed in the database after an import, or a recorded state changed, fails
`verify --records` in the CLI, the API and the page, naming the object and the entry."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit import reconcile
from conduct.apps.audit.models import CoveredObject, LedgerEntry
from conduct.apps.audit.services import LedgerItem, ledger_append_many, ledger_verify
from conduct.apps.suppliers.models import Certificate, Supplier
from conduct.apps.suppliers.services import ImportSource, supplier_import
from conduct.core import ledger as core_ledger
from tests.factories.accounts import OrgUnitFactory
from tests.factories.audit import SupplierFactory

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _import(unit: Any, suppliers: list[str], certificates: list[str] | None = None) -> LedgerEntry:
    files = {"suppliers.csv": _csv("external_id,name,country", *suppliers)}
    if certificates:
        files["certificates.csv"] = _csv("supplier_external_id,standard,number,valid_until", *certificates)
    report = supplier_import(
        actor=CLI,
        sources=[ImportSource(name, content=content) for name, content in files.items()],
        commit=True,
        unit=unit,
        queue_followup=False,
    )
    assert report.committed, report.problems
    return LedgerEntry.objects.filter(action="supplier.import").order_by("-seq").first()  # type: ignore[return-value]


@pytest.fixture
def imported() -> tuple[LedgerEntry, Supplier, Certificate]:
    unit = OrgUnitFactory()
    entry = _import(
        unit,
        ["COV-1,Covered Cables Ltd,VN", "COV-2,Covered Boards Ltd,CN"],
        ["COV-1,SA8000,COV-SA-1,2028-01-31"],
    )
    return entry, Supplier.objects.get(external_id="COV-1"), Certificate.objects.get(number="COV-SA-1")


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_import_records_each_object_it_wrote_and_reconciles(
    imported: tuple[LedgerEntry, Supplier, Certificate],
) -> None:
    entry, supplier, certificate = imported
    covers = entry.summary["covers"]
    assert covers["objects"] == {"certificate": 1, "supplier": 2}
    rows = list(CoveredObject.objects.filter(entry=entry).values_list("object_type", "object_id", "state"))
    assert len(rows) == 3 and covers["sha256"] == core_ledger.covers_hash(rows)
    spec = reconcile.tracked("supplier")
    assert spec is not None
    assert CoveredObject.objects.get(
        entry=entry, object_type="supplier", object_id=str(supplier.pk)
    ).state == reconcile.state_of_instance(spec, supplier)
    result = ledger_verify(records=True)
    assert result.ok, result.reason
    assert result.records is not None and result.records.bulk_entries >= 1
    code, out, _ = _cli("--records")
    assert code == 0 and "import entries" in out


def test_an_imported_supplier_renamed_in_the_database_fails_in_the_cli_api_and_page(
    imported: tuple[LedgerEntry, Supplier, Certificate], officer: Any, api_client: Any, bearer: Any
) -> None:
    entry, supplier, _ = imported
    _sql("update suppliers_supplier set name = 'X' where id = %s", [supplier.pk])

    result = ledger_verify(records=True)
    assert not result.ok
    assert [(p.object_type, p.object_id, p.seq, p.action) for p in result.record_problems] == [
        ("supplier", str(supplier.pk), entry.seq, "supplier.import")
    ]
    assert f"supplier {supplier.pk}" in result.reason and f"#{entry.seq}" in result.reason
    code, _, err = _cli("--records")
    assert code == 1 and f"supplier {supplier.pk} (entry #{entry.seq})" in err
    response = api_client().get("/api/v1/ledger/verify?records=1", **bearer(officer))
    body = response.json()
    assert body["ok"] is False
    assert [(p["object_type"], p["object_id"], p["seq"]) for p in body["record_problems"]] == [
        ("supplier", str(supplier.pk), entry.seq)
    ]
    assert all("unledgered" not in c and "after_bulk" not in c for c in body["record_counts"])
    page = api_client(officer).post(reverse("ledger-verify"), {"records": "1"}).content.decode()
    assert f"supplier {supplier.pk} (entry #{entry.seq})" in page
    assert "Imported, no entry of their own" not in page


def test_an_imported_certificate_changed_in_the_database_fails(
    imported: tuple[LedgerEntry, Supplier, Certificate],
) -> None:
    entry, _, certificate = imported
    _sql("update suppliers_certificate set valid_until = '2099-12-31' where id = %s", [certificate.pk])
    result = ledger_verify(records=True)
    assert [(p.object_type, p.object_id, p.seq) for p in result.record_problems] == [
        ("certificate", str(certificate.pk), entry.seq)
    ]
    code, _, err = _cli("--records")
    assert code == 1 and f"certificate {certificate.pk} (entry #{entry.seq})" in err


def test_a_recorded_state_changed_beside_the_ledger_is_detected_even_when_it_matches_the_row(
    imported: tuple[LedgerEntry, Supplier, Certificate],
) -> None:
    entry, supplier, _ = imported
    _sql("update suppliers_supplier set name = 'X' where id = %s", [supplier.pk])
    supplier.refresh_from_db()
    spec = reconcile.tracked("supplier")
    assert spec is not None
    # The attacker also rewrites the recorded state so that the row matches it ...
    CoveredObject.objects.filter(entry=entry, object_id=str(supplier.pk), object_type="supplier").update(
        state=reconcile.state_of_instance(spec, supplier)
    )
    result = ledger_verify(records=True)
    assert not result.ok
    # ... and the recorded states no longer hash to what the chained entry carries.
    assert [(p.object_type, p.object_id, p.seq) for p in result.record_problems] == [
        ("supplier_import", entry.object_id, entry.seq)
    ]
    assert "do not match the hash" in result.record_problems[0].reason
    code, _, err = _cli("--records")
    assert code == 1 and f"supplier_import {entry.object_id} (entry #{entry.seq})" in err


def test_recorded_states_removed_or_added_are_detected(
    imported: tuple[LedgerEntry, Supplier, Certificate],
) -> None:
    entry, supplier, certificate = imported
    CoveredObject.objects.filter(entry=entry, object_type="certificate").delete()
    problems = ledger_verify(records=True).record_problems
    assert ("supplier_import", entry.seq) in {(p.object_type, p.seq) for p in problems}

    other = LedgerEntry.objects.filter(object_type="supplier", object_id=str(supplier.pk)).first()
    assert other is None  # imported: no entry of its own
    plain = LedgerEntry.objects.exclude(summary__has_key="covers").order_by("-seq").first()
    assert plain is not None
    CoveredObject.objects.create(
        entry=plain, object_type="certificate", object_id=str(certificate.pk), state="0"
    )
    problems = ledger_verify(records=True).record_problems
    assert ("covered_object", plain.seq) in {(p.object_type, p.seq) for p in problems}


def test_the_newer_of_an_own_entry_and_an_import_is_compared(
    imported: tuple[LedgerEntry, Supplier, Certificate],
) -> None:
    _, supplier, _ = imported
    supplier.name = "Renamed Through A Service"
    supplier.save(update_fields=["name"])
    ledger_append_many(actor="test", items=[LedgerItem("supplier.update", "supplier", supplier.pk, {})])
    assert ledger_verify(records=True).ok  # the own entry is newer than the import

    _import(supplier.org_unit, ["COV-1,Renamed By The Next Import,VN"])
    assert ledger_verify(records=True).ok  # the second import is newer than the own entry
    _sql("update suppliers_supplier set name = 'Y' where id = %s", [supplier.pk])
    latest = LedgerEntry.objects.filter(action="supplier.import").order_by("-seq").first()
    assert latest is not None
    assert [(p.object_id, p.seq) for p in ledger_verify(records=True).record_problems] == [
        (str(supplier.pk), latest.seq)
    ]


def test_an_import_recorded_before_states_were_kept_leaves_its_objects_not_reconcilable() -> None:
    old = SupplierFactory(ledgered=False)
    ledger_append_many(  # an import entry of the old kind: no `covers`
        actor="test",
        items=[LedgerItem("supplier.import", "supplier_import", "20250101T000000", {"counts": {}})],
    )
    _sql("update suppliers_supplier set name = 'Old Import' where id = %s", [old.pk])
    result = ledger_verify(records=True)
    assert result.ok, result.reason
    assert result.records is not None
    assert {c.object_type: c.older for c in result.records.counts}["supplier"] >= 1


def test_covering_an_object_type_that_is_not_reconciled_is_refused() -> None:
    with pytest.raises(ValueError, match="not a reconciled object type"):
        ledger_append_many(
            actor="test", items=[LedgerItem("x.import", "x_import", 1, {}, covers={"thing": [1]})]
        )
