"""Bulk writes for imports and recomputes: plain multi-row INSERTs (conduct.db.values) and UPDATEs run with
executemany.

Django's bulk_create and bulk_update build SQL per row through the compiler (and bulk_update a CASE expression
per field); for hundreds of thousands of rows that costs several times the database's own work. These helpers
take rows already in database form (see `adapt`) and leave the SQL to the driver. They bypass save() and
signals, as bulk_create does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

from conduct.core._gc import paused_gc as core_paused_gc
from conduct.db.values import insert_values

BATCH = 5000


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def columns(model: type[Model], fields: list[str]) -> list[str]:
    return [model._meta.get_field(f).column for f in fields]  # type: ignore[union-attr]


def insert_rows(model: type[Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """INSERT the rows (values in `fields` order, already adapted), many per statement. Returns how many."""
    rows = rows if isinstance(rows, list) else list(rows)
    insert_values(model._meta.db_table, columns(model, fields), rows)
    return len(rows)


def insert_rows_returning_ids(
    model: type[Model], fields: list[str], rows: list[tuple[Any, ...]]
) -> list[int] | None:
    """insert_rows, and the new primary keys in row order; None (nothing written) where the backend cannot
    return rows from a bulk insert (SQLite before 3.35): the caller inserts and reads them back."""
    if not connection.features.can_return_rows_from_bulk_insert:
        return None
    pk = model._meta.pk
    assert pk is not None
    return insert_values(model._meta.db_table, columns(model, fields), rows, returning=pk.column)


def upsert_rows(
    model: type[Model], fields: list[str], rows: Iterable[tuple[Any, ...]], *, conflict: str
) -> int:
    """INSERT ... ON CONFLICT (conflict) DO UPDATE the other fields (SQLite 3.24+ and PostgreSQL)."""
    qn = connection.ops.quote_name
    cols = columns(model, fields)
    key = columns(model, [conflict])[0]
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in cols if c != key)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join(['%s'] * len(cols))}) ON CONFLICT ({qn(key)}) DO UPDATE SET {updates}"
    )
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def update_rows(
    model: type[Model], fields: list[str], rows: Iterable[tuple[Any, ...]], key: str = "id"
) -> int:
    """UPDATE ... SET f1 = %s, ... WHERE key = %s for each row (*values, key value)."""
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(c)} = %s" for c in columns(model, fields))
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET {assignments} "  # noqa: S608 - names are ours, values bound
        f"WHERE {qn(columns(model, [key])[0])} = %s"
    )
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


class Adapt:
    """Values in the form the database driver takes, computed the way Django's fields would."""

    def __init__(self) -> None:
        self.ops = connection.ops

    def when(self, value: datetime | None) -> Any:
        return None if value is None else self.ops.adapt_datetimefield_value(value)

    def day(self, value: date | None) -> Any:
        return None if value is None else self.ops.adapt_datefield_value(value)

    @staticmethod
    def json(value: Any) -> str:
        return json.dumps(value)


@contextmanager
def paused_gc() -> Iterator[None]:
    """For a bulk job: pause the cyclic garbage collector (conduct.core's paused_gc: imports and recomputes
    make millions of small acyclic objects that reference counting frees), and on SQLite give this
    connection a 128 MB page cache instead of 8 MB, so index pages stay in memory."""
    cache = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute("PRAGMA cache_size = -131072")
    try:
        with core_paused_gc():
            yield
    finally:
        if cache is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache)}")


def analyze(*models: type[Model]) -> None:
    """Refresh the query planner's statistics after a bulk write (SQLite keeps none until told; PostgreSQL's
    autovacuum would get there later). Without them SQLite may sort 50,000 rows instead of walking an
    index."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
