"""An import records each object's state from the values it wrote, without reading the rows back: those states
must be exactly the ones `verify --records` computes from the stored rows, for created and updated suppliers
and certificates alike (an updated certificate keeps its withdrawal and file, which the import does not
write). And the pieces the import's speed rests on: the per-type hasher and the multi-row insert."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit import reconcile
from conduct.apps.audit.models import CoveredObject, LedgerEntry
from conduct.apps.audit.services import LedgerItem, ledger_append_many, ledger_verify
from conduct.apps.suppliers.models import Certificate, Supplier
from conduct.apps.suppliers.services import ImportSource, supplier_import
from conduct.db import values as db_values
from tests.factories.accounts import OrgUnitFactory

CERTIFICATE_HEADER = "supplier_external_id,standard,number,valid_from,valid_until"


def _import(unit: Any, suppliers: list[str], certificates: list[str]) -> LedgerEntry:
    files = {
        "suppliers.csv": "\n".join(["external_id,name,country,status", *suppliers]) + "\n",
        "certificates.csv": "\n".join(
            ["supplier_external_id,standard,number,valid_from,valid_until", *certificates]
        )
        + "\n",
    }
    report = supplier_import(
        actor=CLI,
        sources=[ImportSource(name, content=text.encode()) for name, text in files.items()],
        commit=True,
        unit=unit,
        queue_followup=False,
    )
    assert report.committed, report.problems
    entry = LedgerEntry.objects.filter(action="supplier.import").order_by("-seq").first()
    assert entry is not None
    return entry


def _recorded_equals_stored(entry: LedgerEntry) -> dict[str, int]:
    counts: dict[str, int] = {}
    for object_type in ("supplier", "certificate"):
        spec = reconcile.tracked(object_type)
        assert spec is not None
        recorded = dict(
            CoveredObject.objects.filter(entry=entry, object_type=object_type).values_list(
                "object_id", "state"
            )
        )
        assert recorded == reconcile.states_from_rows(spec, list(recorded))
        counts[object_type] = len(recorded)
    return counts


@pytest.mark.django_db
def test_states_from_the_values_written_equal_the_states_of_the_stored_rows() -> None:
    unit = OrgUnitFactory()
    first = _import(
        unit,
        ["VAL-1,Values Cables Ltd,VN,active", "VAL-2,Values Boards Ltd,CN,"],
        ["VAL-1,SA8000,VAL-SA-1,2025-02-01,2028-01-31", "VAL-2,ISO 45001,VAL-ISO-1,,2027-03-31"],
    )
    assert _recorded_equals_stored(first) == {"supplier": 2, "certificate": 2}
    certificate = Certificate.objects.get(number="VAL-SA-1")
    # Withdrawn, with a file, in a ledgered change of its own: the next import keeps both in its state.
    Certificate.objects.filter(pk=certificate.pk).update(withdrawn_at=timezone.now(), file_sha256="ab" * 32)
    ledger_append_many(
        actor="test", items=[LedgerItem("certificate.withdraw", "certificate", certificate.pk)]
    )

    second = _import(
        unit,
        ["VAL-1,Values Cables Renamed,VN,active", "VAL-2,Values Boards Ltd,CN,", "VAL-3,Values New Ltd,TH,"],
        ["VAL-1,SA8000,VAL-SA-1,2025-02-01,2029-06-30", "VAL-3,SA8000,VAL-SA-3,2026-01-01,2027-01-01"],
    )
    assert _recorded_equals_stored(second) == {"supplier": 2, "certificate": 2}  # VAL-2 unchanged
    assert CoveredObject.objects.filter(
        entry=second, object_type="supplier", object_id=str(Supplier.objects.get(external_id="VAL-1").pk)
    ).exists()
    result = ledger_verify(records=True)
    assert result.ok, result.reason


def test_covered_values_missing_a_tracked_field_are_refused() -> None:
    spec = reconcile.tracked("supplier")
    assert spec is not None
    with pytest.raises(KeyError):
        reconcile.states_of_values(spec, {1: {"name": "A", "country": "VN", "status": "active"}})


@pytest.mark.django_db
def test_a_multi_row_insert_returns_the_ids_in_row_order_across_statements(monkeypatch: Any) -> None:
    if not connection.features.can_return_rows_from_bulk_insert:
        pytest.skip("the backend returns no rows from a bulk insert")
    monkeypatch.setattr(db_values, "MAX_ROWS", 2)  # five rows: three statements
    entry = ledger_append_many(actor="test", items=[LedgerItem("test.write", "thing", 1)])[0]
    columns = ["entry_id", "object_type", "object_id", "state"]
    rows = [(entry.pk, "thing", f"{n}", "0" * 64) for n in (5, 3, 9, 1, 7)]
    ids = db_values.insert_values("audit_coveredobject", columns, rows, returning="id")
    assert [CoveredObject.objects.get(pk=pk).object_id for pk in ids] == ["5", "3", "9", "1", "7"]
    assert db_values.insert_values("audit_coveredobject", columns, rows[:1]) == []
    assert CoveredObject.objects.filter(entry=entry).count() == 6
