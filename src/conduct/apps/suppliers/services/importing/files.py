"""Running every file through the checker: tables opened (CSV, or XLSX sheets), headers checked, rows read
within the import's limits (rows, seconds); an unreadable row or a limit refuses the whole import at once."""

from __future__ import annotations

import csv
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from conduct.apps.errors import Invalid
from conduct.apps.suppliers.conf import import_max_rows, import_max_seconds
from conduct.apps.suppliers.services.importing.checking import Checker
from conduct.apps.suppliers.services.importing.reading import ImportSource, TooBig, Unreadable
from conduct.apps.suppliers.services.importing.reading import cell as _cell
from conduct.apps.suppliers.services.importing.reading import tables as _tables
from conduct.apps.suppliers.services.importing.reading import text as _text
from conduct.apps.suppliers.services.importing.report import KINDS, ORDER, FileReport, ImportReport, kind_of

CHECK_EVERY = 1000  # rows between two looks at the clock

Found = tuple[str, list[str], Iterator[tuple[int, list[Any]]], FileReport]  # label, header, rows, report


def _open_tables(
    sources: list[ImportSource], checker: Checker, report: ImportReport
) -> dict[str, list[Found]]:
    """Every file's tables (an XLSX has one per sheet), by kind; a file that cannot be read is a problem."""
    tables: dict[str, list[Found]] = {k: [] for k in ORDER}
    for source in sources:
        digest = source.sha256()
        try:
            found = list(_tables(source))
        except TooBig as exc:
            refuse(source.name, 1, str(exc))
        except Unreadable as exc:
            refuse(source.name, exc.row, str(exc))
        except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            report.files.append(FileReport(source.name, "", None, 0, digest))
            checker.problem(
                (source.name, 1), "", "", f"cannot read the file: {exc.__class__.__name__}: {exc}"[:300]
            )
            continue
        for sheet, header, rows in found:
            label = f"{source.name}:{sheet}" if sheet else source.name
            kind = kind_of(header)
            file_report = FileReport(source.name, sheet, kind, 0, digest)
            report.files.append(file_report)
            if kind is None:
                checker.problem(
                    (label, 1),
                    "",
                    "",
                    _(
                        "cannot tell what this file holds from its header; expected the "
                        "columns of a suppliers, sites, certificates or relations template"
                    ),
                )
                continue
            tables[kind].append((label, header, rows, file_report))
    return tables


def _check_header(checker: Checker, kind: str, label: str, header: list[str]) -> bool:
    """Report missing, unknown and repeated columns; whether the rows can be read at all."""
    spec, columns = KINDS[kind], set(header)
    usable = True
    for missing in [c for c in spec.required if c not in columns]:
        checker.problem(
            (label, 1),
            missing,
            "",
            _("the %(kind)s file has no %(missing)s column") % {"kind": kind, "missing": missing},
        )
        usable = False
    for position, name in enumerate(header):
        if name and name not in spec.all:
            checker.problem(
                (label, 1),
                name,
                name,
                _("unknown column %(name)s for a %(kind)s file; expected %(all)s")
                % {"name": repr(name), "kind": kind, "all": ", ".join(spec.all)},
            )
        elif name and header.index(name) != position:
            checker.problem(
                (label, 1), name, name, _("the column %(name)s appears twice") % {"name": repr(name)}
            )
    return usable


class _Budget:
    """The limits on what one import reads: rows of data (all files together) and seconds."""

    def __init__(self) -> None:
        self.rows = 0
        self.at = 1  # the spreadsheet row being read
        self.max_rows = import_max_rows()
        self.deadline = time.monotonic() + import_max_seconds()

    def spend(self, rows: int, number: int) -> None:
        """`rows` more rows were read, up to the spreadsheet row `number`: over a limit is TooBig."""
        self.rows += rows
        self.at = number
        if self.rows > self.max_rows:
            raise TooBig(
                _("the files hold more than %(max_rows)s rows (SUPPLIER_IMPORT_MAX_ROWS); split them")
                % {"max_rows": format(self.max_rows, ",")}
            )
        if time.monotonic() > self.deadline:
            raise TooBig(_("reading the files took too long (SUPPLIER_IMPORT_MAX_SECONDS); split them"))


def _check_rows(checker: Checker, kind: str, found: Found, usable: bool, budget: _Budget) -> None:
    label, header, rows, file_report = found
    columns = set(header)
    positions = [(name, header.index(name)) for name in KINDS[kind].all if name in columns]
    read = _readers(checker)[kind]
    count = told = 0  # rows of this file read; of them, told to the budget
    number = 0
    # The budget hears of the rows every CHECK_EVERY rows and at the row that would pass the row limit.
    due = min(CHECK_EVERY, budget.max_rows - budget.rows + 1)
    try:
        for number, cells in rows:
            if not any(c not in (None, "") and (not isinstance(c, str) or c.strip()) for c in cells):
                continue  # an empty line carries nothing
            count += 1
            if count == due:
                budget.spend(count - told, number)
                told = count
                due = count + min(CHECK_EVERY, budget.max_rows - budget.rows + 1)
            if not usable:
                continue
            if len(cells) > len(header) and any(_text(c) for c in cells[len(header) :]):
                checker.problem(
                    (label, number),
                    "",
                    "",
                    _("the row has %(count)s cells but the header %(count2)s columns")
                    % {"count": len(cells), "count2": len(header)},
                )
            row = {name: _cell(cells[i]) if i < len(cells) else "" for name, i in positions}
            read((label, number), row, columns)
        budget.spend(count - told, number)
    finally:
        file_report.rows = count


def _readers(checker: Checker) -> dict[str, Callable[[tuple[str, int], dict[str, Any], set[str]], None]]:
    return {
        "suppliers": checker.supplier,
        "sites": checker.site,
        "certificates": checker.certificate,
        "relations": checker.relation,
    }


def refuse(label: str, row: int, message: str) -> NoReturn:
    """A file over one of the import's limits, or that cannot be read on: the whole import is refused at once
    (422), naming the file and the row, rather than reported with the rows' problems."""
    where = f"{label} row {row}" if row > 1 else label
    raise Invalid(
        _("%(where)s: %(message)s; nothing was imported.") % {"where": where, "message": message},
        fields={"file": f"{where}: {message}"},
    )


def check_files(sources: list[ImportSource], checker: Checker, report: ImportReport) -> None:
    """Read every file into the checker's Batch, suppliers first (the other kinds refer to them)."""
    tables = _open_tables(sources, checker, report)
    budget = _Budget()
    for kind in ORDER:
        for found in tables[kind]:
            label = found[0]
            usable = _check_header(checker, kind, label, found[1])
            try:
                _check_rows(checker, kind, found, usable, budget)
            except Unreadable as exc:
                refuse(label, exc.row, str(exc))
            except TooBig as exc:
                refuse(label, budget.at, str(exc))
        if kind == "suppliers":
            checker.parents()
