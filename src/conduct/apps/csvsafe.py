"""Formula-safe CSV: a cell that a spreadsheet would run as a formula is written as text.

A text cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets skip
before reading the rest as a formula) gets a leading apostrophe, so opening an export or a report's data
file never runs what a supplier, a list or a user typed. Numbers, dates and empty cells are left alone.
Every CSV that Conduct writes goes through `safe_cell` (or `writer`, which applies it to every cell).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["FORMULA_STARTS", "SafeWriter", "safe_cell", "safe_row", "writer"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, with an apostrophe in front when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`; `writerow` returns what the stream returned
    (so a stream that echoes its input serves a streamed response)."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: _Writable, **options: Any) -> SafeWriter:
    """A formula-safe CSV writer over `stream` (options as for `csv.writer`)."""
    return SafeWriter(stream, **options)
