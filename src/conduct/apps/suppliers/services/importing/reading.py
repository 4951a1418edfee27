"""Reading import files: CSV (streamed, its delimiter sniffed from the header) or XLSX (openpyxl's read-only
mode, refused before it is opened when its declared uncompressed size is over the limit)."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from conduct.apps.suppliers.conf import import_xlsx_max_bytes


class TooBig(ValueError):
    """A file is over one of the import's limits; the message says which, for the person who sent it."""


class Unreadable(ValueError):
    """A row cannot be read (a CSV field over the csv module's limit, bytes that are not UTF-8): the file is
    read no further. `row` is the spreadsheet row (1 is the header)."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


@dataclass
class ImportSource:
    """One file to import: a path, or bytes (an upload)."""

    name: str
    path: Path | None = None
    content: bytes | None = None

    def open(self) -> IO[bytes]:
        if self.content is not None:
            return io.BytesIO(self.content)
        assert self.path is not None
        return self.path.open("rb")

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def header_name(value: Any) -> str:
    return "_".join(str(value or "").strip().lstrip("\ufeff").lower().split())


def cell(value: Any) -> Any:
    """A cell as the checks take it: text stripped; numbers and dates as the spreadsheet gave them."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    return value


def text(value: Any) -> str:
    if type(value) is str:  # the common case, already stripped by _cell
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip() if value != "" else ""


Table = tuple[str, list[str], Iterator[tuple[int, list[Any]]]]  # sheet, header, (row number, cells)


def _csv_tables(source: ImportSource) -> Iterator[Table]:
    handle = io.TextIOWrapper(source.open(), encoding="utf-8-sig", newline="")
    first = handle.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        header = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error as exc:
        raise Unreadable(1, _("cannot read the header (%(exc)s)") % {"exc": exc}) from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 1
        try:
            for number, cells in enumerate(csv.reader(handle, delimiter=delimiter), start=2):  # noqa: B007
                yield number, cells
        except csv.Error as exc:
            limit = csv.field_size_limit()
            message = (
                f"a cell is longer than {limit:,} characters; the file is read no further"
                if "field limit" in str(exc)
                else f"cannot read the row ({exc}); the file is read no further"
            )
            raise Unreadable(number + 1, message) from None
        except UnicodeDecodeError:
            raise Unreadable(
                number + 1, _("the row is not UTF-8 text; the file is read no further")
            ) from None
        finally:
            handle.close()

    yield "", [header_name(h) for h in header], rows()


def check_xlsx_size(source: ImportSource) -> None:
    """Refuse a workbook whose parts would expand beyond SUPPLIER_IMPORT_XLSX_MAX_BYTES, before reading any of
    them: the sizes the zip declares bound what it decompresses to (zipfile reads no further than them)."""
    limit = import_xlsx_max_bytes()
    with source.open() as handle, zipfile.ZipFile(handle) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    if declared > limit:
        raise TooBig(
            _(
                "the workbook expands to %(declared)s bytes, over the limit of %(limit)s "
                "(SUPPLIER_IMPORT_XLSX_MAX_BYTES); split it, or import CSV files"
            )
            % {"declared": format(declared, ","), "limit": format(limit, ",")}
        )


def _xlsx_tables(source: ImportSource) -> Iterator[Table]:
    check_xlsx_size(source)
    from openpyxl import load_workbook  # here: 50 ms of every process's start otherwise

    handle = source.open()  # openpyxl closes its zip archive, not the file it was given: close that too
    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            iterator = sheet.iter_rows(values_only=True)
            header: list[str] = []
            number = 0
            for number, values in enumerate(iterator, start=1):  # noqa: B007 - the header's row number is used
                if any(v not in (None, "") for v in values):
                    header = [header_name(v) for v in values]
                    break
            if not header:
                continue
            start = number + 1

            def rows(
                it: Iterator[tuple[Any, ...]] = iterator, first: int = start
            ) -> Iterator[tuple[int, list[Any]]]:
                for n, values in enumerate(it, start=first):
                    yield n, list(values)

            yield sheet.title, header, rows()
    finally:
        workbook.close()
        handle.close()


def tables(source: ImportSource) -> Iterator[Table]:
    with source.open() as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return _xlsx_tables(source)
    return _csv_tables(source)
