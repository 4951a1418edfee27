"""Many rows in one INSERT: `INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s), ...`.

For a bulk write this is several times cheaper than `executemany` of a one-row INSERT (on SQLite, through
Python's driver, about 7 us a row for executemany against under 2 us for narrow rows): the statement is
prepared once per batch and the driver binds the whole batch in one call. Batches stay under the backend's
limit on bound parameters (SQLite's own, read from the connection; Django's for the others).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connection

MAX_ROWS = 5000  # rows per statement at most, however narrow


def params_limit() -> int:
    """How many parameters one statement may bind on the default connection."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return int(connection.features.max_query_params or 65535)


def rows_per_statement(width: int) -> int:
    return max(1, min(MAX_ROWS, params_limit() // max(1, width)))


def insert_values(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: str | None = None
) -> list[Any]:
    """INSERT `rows` (values in `columns` order, in database form) into `table`, in as few statements as the
    parameter limit allows. With `returning` (a column, e.g. the primary key; the backend must support
    RETURNING from a bulk insert), the new values of that column in row order: ids rise with insertion
    order, so each statement's ids are sorted (as the ledger's own insert does); otherwise []."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
    tail = f" RETURNING {quote(returning)}" if returning else ""
    # On SQLite the driver's own "?" marks: Django rewrites only "%s" (a regular expression over the whole
    # text, which for a statement of thousands of rows costs more than the driver's binding).
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    mark = "(" + ",".join([placeholder] * len(columns)) + ")"
    per = rows_per_statement(len(columns))
    found: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            cursor.execute(head + ",".join([mark] * len(batch)) + tail, [v for row in batch for v in row])
            if returning:
                found.extend(sorted(r[0] for r in cursor.fetchall()))
    return found
