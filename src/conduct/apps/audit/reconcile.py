"""Reconciling the ledger with the records: which objects are tracked, and the state hash of each.

An entry about a tracked object carries `state`, the sha256 of the object's tracked fields right after the
change (computed by ledger_append_many from the row). `conduct audit verify --records` recomputes it from
every row that still exists and compares it with the object's latest entry, so a row changed behind the
services' back (an UPDATE in the database) shows. The table below is the one place that says what is
tracked; the audit app reads the rows through django.apps (it imports no other app).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models

from conduct.apps.audit.models import CoveredObject, LedgerEntry
from conduct.core import ledger as core_ledger


@dataclass(frozen=True)
class Tracked:
    """An object type whose ledger entries carry a state hash of `fields` of the model `model`.

    `bulk` names object types of entries that change many of these objects at once (a supplier import).
    Such an entry records the state of each object it wrote (LedgerItem.covers, audit.CoveredObject), which
    is reconciled like an entry of the object's own. Only a bulk entry written before that (its summary has
    no `covers`) leaves what it may have written not reconcilable ("older")."""

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
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is date:  # a certificate's validity: the usual case first
        return value.isoformat()
    if isinstance(value, bool | int | float):
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
    plain = [v if v is None or type(v) is str or type(v) is int else _plain(v) for v in values]
    if len(plain) != len(spec.fields):
        raise ValueError(f"{spec.object_type}: {len(spec.fields)} tracked values expected, got {len(plain)}")
    return _hasher(spec.fields)(plain)


@functools.cache
def _hasher(fields: tuple[str, ...]) -> Callable[[Sequence[Any]], str]:
    return core_ledger.state_hasher(fields)


def states_of_values(spec: Tracked, objects: Mapping[Any, Mapping[str, Any]]) -> dict[str, str]:
    """The state hash of each object from its tracked values as the caller wrote them (by attribute name, a
    foreign key by its id: `org_unit_id`), by object id: what states_from_rows would read back, without
    the read. A tracked attribute missing from an object's values is an error (KeyError)."""
    attnames = _attnames(spec)
    hasher = _hasher(spec.fields)
    return {
        str(object_id): hasher(
            [
                v if v is None or type(v) is str or type(v) is int else _plain(v)
                for v in map(values.__getitem__, attnames)
            ]
        )
        for object_id, values in objects.items()
    }


def state_of_instance(spec: Tracked, row: models.Model) -> str:
    """The state hash from a model instance the caller already holds (it saves the read)."""
    return state_of(spec, (getattr(row, attname) for attname in _attnames(spec)))


def _pk(pk_field: Any, object_id: str) -> Any:
    if (
        object_id.isascii() and object_id.isdigit() and isinstance(pk_field, models.IntegerField)
    ):  # the usual case, without a call
        return int(object_id)
    try:
        return pk_field.to_python(object_id)
    except (ValidationError, ValueError, TypeError):
        return None


def states_from_rows(spec: Tracked, object_ids: Iterable[str]) -> dict[str, str]:
    """The state hash of each object that exists, by object id, read in one query by primary key. Plain SQL:
    this runs in every ledgered write of a tracked type (a gate decision's); each value is read back as the
    model field reads it (`to_python`), so the hash equals the one from the ORM or from an instance."""
    pk_field = _model(spec)._meta.pk
    pks = sorted({pk for object_id in object_ids if (pk := _pk(pk_field, object_id)) is not None})
    if not pks:
        return {}
    fields = _columns(spec.object_type)[0]
    same = _as_stored(spec.object_type)
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(spec.object_type, connection.vendor, len(pks)), pks)
        rows = cursor.fetchall()
    return {
        str(row[0]): state_of(
            spec,
            (
                v if v is None or type(v) is kind else f.to_python(v)
                for f, kind, v in zip(fields, same, row[1:], strict=True)
            ),
        )
        for row in rows
    }


@functools.cache
def _as_stored(object_type: str) -> tuple[type | None, ...]:
    """Per tracked field, the type of a database value that `to_python` gives back unchanged (text for a
    text field, an integer for a foreign key), so the read-back of a large import skips the call."""
    kinds: list[type | None] = []
    for f in _columns(object_type)[0]:
        if isinstance(f, models.CharField | models.TextField):
            kinds.append(str)
        elif isinstance(f, models.ForeignKey) and isinstance(f.target_field, models.IntegerField):
            kinds.append(int)
        elif type(f) is models.DateField:
            kinds.append(date)
        else:
            kinds.append(None)
    return tuple(kinds)


def iter_states(spec: Tracked, batch: int = 2000) -> Iterator[tuple[str, str]]:
    """(object id, state hash) of every stored object of the type, in primary key order."""
    qs = _model(spec)._base_manager.order_by("pk").values_list("pk", *_attnames(spec))
    for row in qs.iterator(chunk_size=batch):
        yield str(row[0]), state_of(spec, row[1:])


@dataclass(frozen=True)
class RecordProblem:
    """A stored object that does not match its latest ledger entry (or has none); or a bulk entry whose
    covered objects (audit.CoveredObject) no longer match the hash it carries."""

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
    older: int = 0  # latest entry written before entries carried a state (or an import recorded no states)


@dataclass
class RecordsResult:
    """What `verify --records` found: counts per object type, bulk entries checked, and the first problems."""

    counts: list[TypeCount] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    problems_total: int = 0
    bulk_entries: int = 0  # bulk entries whose covered objects were checked against their hash

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.counts)

    @property
    def total_matched(self) -> int:
        return self.total("matched")


Latest = tuple[int, str, str]  # (entry seq, action, state) an object was last recorded with


def reconcile(*, max_problems: int = 100) -> RecordsResult:
    """Check every bulk entry's covered objects against the hash it carries, then compare every stored
    tracked object with its latest recorded state: its own latest entry, or a later bulk entry that covered
    it (whichever is newer).

    Reads each type's entries once, in seq order (through the (object_type, object_id) index), keeping the
    latest per object, then its covered rows, then every row of the model in primary key order."""
    result = RecordsResult()
    _check_covers(result, max_problems)
    for spec in tracked_types():
        latest = _latest_states(spec)
        legacy_seq = _legacy_bulk_seq(spec)
        count = TypeCount(spec.object_type)
        result.counts.append(count)
        for object_id, state in iter_states(spec):
            count.checked += 1
            entry = latest.get(object_id)
            if entry is None:
                if legacy_seq:
                    count.older += 1  # may have come from an import that recorded no states
                    continue
                count.mismatched += 1
                _problem(result, max_problems, spec, object_id, None, "", "has no ledger entry")
                continue
            seq, action, recorded = entry
            if recorded == state:
                count.matched += 1
            elif not recorded or legacy_seq > seq:
                count.older += 1
            else:
                count.mismatched += 1
                why = f"does not match its latest ledger entry #{seq} ({action}): changed outside Conduct"
                _problem(result, max_problems, spec, object_id, seq, action, why)
    return result


def _latest_states(spec: Tracked) -> dict[str, Latest]:
    """The latest recorded state of each object of the type, by object id: own entries and covered rows."""
    latest: dict[str, Latest] = {}
    rows = (
        LedgerEntry.objects.filter(object_type=spec.object_type)
        .order_by("seq")
        .values_list("object_id", "seq", "action", "state")
        .iterator(chunk_size=5000)
    )
    for object_id, seq, action, state in rows:
        latest[object_id] = (seq, action, state)
    covered = (
        CoveredObject.objects.filter(object_type=spec.object_type)
        .order_by()
        .values_list("object_id", "entry__seq", "entry__action", "state")
        .iterator(chunk_size=5000)
    )
    for object_id, seq, action, state in covered:
        known = latest.get(object_id)
        if known is None or known[0] < seq:
            latest[object_id] = (seq, action, state)
    return latest


def _legacy_bulk_seq(spec: Tracked) -> int:
    """The latest bulk entry of the type's `bulk` kinds that recorded no states (written before bulk entries
    covered their objects), or 0: what it wrote cannot be reconciled."""
    if not spec.bulk:
        return 0
    seq: int | None = (
        LedgerEntry.objects.filter(object_type__in=spec.bulk)
        .exclude(summary__has_key="covers")
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return seq or 0


def _check_covers(result: RecordsResult, max_problems: int) -> None:
    """Each bulk entry's covered rows, hashed again, must equal the `covers` the hash-chained entry carries;
    a covered row whose entry carries none is a row added behind Conduct's back."""
    expected: dict[int, tuple[int, str, str, str, dict[str, Any]]] = {
        pk: (seq, action, object_type, object_id, summary["covers"])
        for pk, seq, action, object_type, object_id, summary in LedgerEntry.objects.filter(
            summary__has_key="covers"
        ).values_list("pk", "seq", "action", "object_type", "object_id", "summary")
    }
    found: dict[int, list[tuple[str, str, str]]] = {}
    for entry_id, object_type, object_id, state in (
        CoveredObject.objects.order_by()
        .values_list("entry_id", "object_type", "object_id", "state")
        .iterator(chunk_size=5000)
    ):
        found.setdefault(entry_id, []).append((object_type, object_id, state))
    result.bulk_entries = len(expected)
    for entry_id in sorted(set(found) - set(expected)):
        seq, action = LedgerEntry.objects.filter(pk=entry_id).values_list("seq", "action").first() or (
            None,
            "",
        )
        why = "objects recorded for an entry that covers none: added outside Conduct"
        _problem_at(result, max_problems, RecordProblem("covered_object", str(entry_id), seq, action, why))
    for entry_id, (seq, action, object_type, object_id, covers) in sorted(expected.items()):
        rows = found.get(entry_id, [])
        if isinstance(covers, dict) and core_ledger.covers_hash(rows) == covers.get("sha256"):
            continue
        why = (
            f"the {len(rows)} objects recorded with ledger entry #{seq} ({action}) do not match the hash it "
            "carries: changed outside Conduct"
        )
        _problem_at(result, max_problems, RecordProblem(object_type, object_id, seq, action, why))


def _problem(
    result: RecordsResult,
    max_problems: int,
    spec: Tracked,
    object_id: str,
    seq: int | None,
    action: str,
    reason: str,
) -> None:
    _problem_at(result, max_problems, RecordProblem(spec.object_type, object_id, seq, action, reason))


def _problem_at(result: RecordsResult, max_problems: int, problem: RecordProblem) -> None:
    result.problems_total += 1
    if len(result.problems) < max_problems:
        result.problems.append(problem)
