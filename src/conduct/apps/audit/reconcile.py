"""Reconciling the ledger with the records: which objects are tracked, and the state hash of each.

An entry about a tracked object carries `state`, the sha256 of the object's tracked fields right after the
change (computed by ledger_append_many from the row). `conduct audit verify --records` recomputes it from
every row that still exists and compares it with the object's latest entry, so a row changed behind the
services' back (an UPDATE in the database) shows. The table below is the one place that says what is
tracked; the audit app reads the rows through django.apps (it imports no other app).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models

from conduct.apps.audit.models import LedgerEntry
from conduct.core import ledger as core_ledger


@dataclass(frozen=True)
class Tracked:
    """An object type whose ledger entries carry a state hash of `fields` of the model `model`.

    `bulk` names object types of entries that change many of these objects at once without an entry each
    (a supplier import): an object whose latest own entry is older than such an entry may have been changed
    by it, so a difference is reported as not reconcilable rather than as tampering."""

    object_type: str
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]  # field names; a foreign key is tracked by its id
    bulk: tuple[str, ...] = ()


_TRACKED: dict[str, Tracked] = {}


def track(spec: Tracked) -> None:
    """Add an object type to reconcile (the table below; another app may add its own in ready())."""
    _TRACKED[spec.object_type] = spec


for _spec in (
    Tracked(
        "gate_decision",
        "gates.GateDecision",
        (
            "gate",
            "reference",
            "outcome",
            "request_hash",
            "resolution_outcome",
            "resolution_rationale",
            "resolution_case",
            "resolved_at",
        ),
    ),
    Tracked(
        "supplier", "suppliers.Supplier", ("name", "country", "status", "org_unit"), bulk=("supplier_import",)
    ),
    Tracked(
        "certificate",
        "suppliers.Certificate",
        ("supplier", "standard", "number", "valid_from", "valid_until", "withdrawn_at", "file_sha256"),
        bulk=("supplier_import",),
    ),
    Tracked("case", "governance.Case", ("title", "status")),
    Tracked("screening_alert", "screening.Alert", ("status",)),
):
    track(_spec)


def tracked(object_type: str) -> Tracked | None:
    return _TRACKED.get(object_type)


def tracked_types() -> list[Tracked]:
    return list(_TRACKED.values())


def _model(spec: Tracked) -> type[models.Model]:
    return apps.get_model(spec.model)


@functools.cache
def _columns(object_type: str) -> tuple[list[Any], list[str]]:
    """The tracked fields of a type (model fields, in `fields` order) and their attribute names."""
    spec = _TRACKED[object_type]
    meta = _model(spec)._meta
    fields = [meta.get_field(name) for name in spec.fields]
    return fields, [f.attname for f in fields]


def _attnames(spec: Tracked) -> list[str]:
    return _columns(spec.object_type)[1]


@functools.lru_cache(maxsize=256)
def _select_sql(object_type: str, vendor: str, count: int) -> str:
    """SELECT pk, tracked columns FROM the table WHERE pk IN (count placeholders); `vendor` keys the cache."""
    quote = connection.ops.quote_name
    meta = _model(_TRACKED[object_type])._meta
    columns = ", ".join(quote(f.column) for f in [meta.pk, *_columns(object_type)[0]])
    return (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 - model names and placeholders only
        f"WHERE {quote(meta.pk.column)} IN ({', '.join(['%s'] * count)})"  # type: ignore[union-attr]
    )


def _plain(value: Any) -> Any:
    """A tracked value as plain JSON, the same whether it comes from a model instance or a database row."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a TextChoices member: its value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, UUID | models.Model):
        return str(value.pk if isinstance(value, models.Model) else value)
    return str(value)


def state_of(spec: Tracked, values: Iterable[Any]) -> str:
    """The state hash of one object from its tracked values, in `spec.fields` order."""
    return core_ledger.state_hash({name: _plain(v) for name, v in zip(spec.fields, values, strict=True)})


def state_of_instance(spec: Tracked, row: models.Model) -> str:
    """The state hash from a model instance the caller already holds (it saves the read)."""
    return state_of(spec, (getattr(row, attname) for attname in _attnames(spec)))


def _pk(spec: Tracked, object_id: str) -> Any:
    try:
        return _model(spec)._meta.pk.to_python(object_id)  # type: ignore[union-attr]
    except (ValidationError, ValueError, TypeError):
        return None


def states_from_rows(spec: Tracked, object_ids: Iterable[str]) -> dict[str, str]:
    """The state hash of each object that exists, by object id, read in one query by primary key. Plain SQL:
    this runs in every ledgered write of a tracked type (a gate decision's); each value is read back as the
    model field reads it (`to_python`), so the hash equals the one from the ORM or from an instance."""
    pks = sorted({pk for object_id in object_ids if (pk := _pk(spec, object_id)) is not None})
    if not pks:
        return {}
    fields = _columns(spec.object_type)[0]
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(spec.object_type, connection.vendor, len(pks)), pks)
        rows = cursor.fetchall()
    return {
        str(row[0]): state_of(spec, (f.to_python(v) for f, v in zip(fields, row[1:], strict=True)))
        for row in rows
    }


def iter_states(spec: Tracked, batch: int = 2000) -> Iterator[tuple[str, str]]:
    """(object id, state hash) of every stored object of the type, in primary key order."""
    qs = _model(spec)._base_manager.order_by("pk").values_list("pk", *_attnames(spec))
    for row in qs.iterator(chunk_size=batch):
        yield str(row[0]), state_of(spec, row[1:])


@dataclass(frozen=True)
class RecordProblem:
    """A stored object that does not match its latest ledger entry (or has none)."""

    object_type: str
    object_id: str
    seq: int | None  # the entry compared with; None when the object has no entry
    action: str
    reason: str


@dataclass
class TypeCount:
    object_type: str
    checked: int = 0
    matched: int = 0
    mismatched: int = 0
    older: int = 0  # latest entry written before entries carried a state: not reconcilable
    unledgered: int = 0  # no entry of its own (created by a bulk import)
    after_bulk: int = 0  # differs, but a later bulk entry may have changed it


@dataclass
class RecordsResult:
    """What `verify --records` found: counts per object type and the first problems."""

    counts: list[TypeCount] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    problems_total: int = 0

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.counts)

    @property
    def total_matched(self) -> int:
        return self.total("matched")


def reconcile(*, max_problems: int = 100) -> RecordsResult:
    """Compare every stored tracked object with its latest ledger entry.

    Reads each type's entries once, in seq order (through the (object_type, object_id) index), keeping the
    latest per object, then every row of the model in primary key order."""
    result = RecordsResult()
    for spec in tracked_types():
        rows = (
            LedgerEntry.objects.filter(object_type=spec.object_type)
            .order_by("seq")
            .values_list("object_id", "seq", "action", "state")
            .iterator(chunk_size=5000)
        )
        latest: dict[str, tuple[int, str, str]] = {}
        for object_id, seq, action, state in rows:
            latest[object_id] = (seq, action, state)
        bulk_seq = 0
        if spec.bulk:
            bulk_seq = (
                LedgerEntry.objects.filter(object_type__in=spec.bulk)
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first()
                or 0
            )
        count = TypeCount(spec.object_type)
        result.counts.append(count)
        for object_id, state in iter_states(spec):
            count.checked += 1
            entry = latest.get(object_id)
            if entry is None:
                if bulk_seq:
                    count.unledgered += 1
                    continue
                count.mismatched += 1
                _problem(result, max_problems, spec, object_id, None, "", "has no ledger entry")
                continue
            seq, action, recorded = entry
            if not recorded:
                count.older += 1
            elif recorded == state:
                count.matched += 1
            elif bulk_seq > seq:
                count.after_bulk += 1
            else:
                count.mismatched += 1
                _problem(
                    result,
                    max_problems,
                    spec,
                    object_id,
                    seq,
                    action,
                    f"does not match its latest ledger entry #{seq} ({action}): changed outside Conduct",
                )
    return result


def _problem(
    result: RecordsResult,
    max_problems: int,
    spec: Tracked,
    object_id: str,
    seq: int | None,
    action: str,
    reason: str,
) -> None:
    result.problems_total += 1
    if len(result.problems) < max_problems:
        result.problems.append(RecordProblem(spec.object_type, object_id, seq, action, reason))
