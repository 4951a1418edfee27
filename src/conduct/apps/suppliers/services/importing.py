"""Importing suppliers, sites, certificates and relations from CSV or XLSX files, all-or-nothing.

`supplier_import(commit=False)` is the preview: it reads every file, reports every problem by file, row and
column, and changes nothing. With commit=True a clean set of files is written in one transaction (rows are
matched by external id, so importing the same files again updates and never duplicates); a set with any
problem writes nothing. What each file holds is read from its header (see data/templates/suppliers). One
ledger entry records the import: its counts and each file's SHA-256.

Speed: files are streamed (CSV) or read in openpyxl's read-only mode (XLSX); everything the checks need from
the database is read once up front, and writes are bulk inserts and executemany updates in batches.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import require, unit_paths
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import bulk
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.dates import DateProblem, parse_date
from conduct.apps.suppliers.models import (
    CATEGORY_SEPARATOR,
    Certificate,
    Supplier,
    SupplierRelation,
    SupplierSite,
    SupplierStatus,
)
from conduct.apps.suppliers.reference import (
    CATEGORIES,
    designation,
    is_country,
    normalise_category,
    normalise_standard,
)

MAX_PROBLEMS = 100_000
STATUSES = frozenset(SupplierStatus.values)
ANALYZE_FROM = 1000  # rows written, from which the planner's statistics are refreshed  # beyond this a file is not "messy" but wrong; stop collecting and say so


@dataclass(frozen=True)
class Columns:
    required: tuple[str, ...]  # the column must exist and every row must fill it
    optional: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


KINDS: dict[str, Columns] = {
    "suppliers": Columns(
        ("external_id", "name", "country"),
        (
            "region",
            "categories",
            "parent_external_id",
            "registration_id",
            "status",
            "aliases",
            "address",
            "org_unit",
        ),
    ),
    "sites": Columns(("supplier_external_id", "site_name", "country"), ("region", "address", "headcount")),
    "certificates": Columns(
        ("supplier_external_id", "standard", "number", "valid_until"),
        ("issuer", "valid_from", "accreditation_body", "scope"),
    ),
    "relations": Columns(("buyer_external_id", "supplier_external_id"), ()),
}
ORDER = ("suppliers", "sites", "certificates", "relations")


def kind_of(header: list[str]) -> str | None:
    """What a file holds, from the columns it has."""
    names = set(header)
    if "buyer_external_id" in names:
        return "relations"
    if "supplier_external_id" in names and "site_name" in names:
        return "sites"
    if "supplier_external_id" in names and names & {"standard", "number", "valid_until"}:
        return "certificates"
    if "external_id" in names:
        return "suppliers"
    return None


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # the spreadsheet row: 1 is the header, 2 the first row of data
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


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


@dataclass
class FileReport:
    name: str
    sheet: str
    kind: str | None
    rows: int
    sha256: str


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    committed: bool = False
    truncated: bool = False
    seconds: float = 0.0
    changed_suppliers: list[int] = field(
        default_factory=list
    )  # created or changed: to screen after the commit

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self, *, problem_limit: int | None = None) -> dict[str, Any]:
        shown = self.problems if problem_limit is None else self.problems[:problem_limit]
        return {
            "ok": self.ok,
            "committed": self.committed,
            "files": [vars(f) for f in self.files],
            "counts": self.counts,
            "problem_count": len(self.problems),
            "problems": [vars(p) for p in shown],
            "truncated": self.truncated or len(shown) < len(self.problems),
            "seconds": self.seconds,
        }


# --- reading --------------------------------------------------------------------------------------


def _header_name(value: Any) -> str:
    return "_".join(str(value or "").strip().lstrip("\ufeff").lower().split())


def _cell(value: Any) -> Any:
    """A cell as the checks take it: text stripped; numbers and dates as the spreadsheet gave them."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    return value


def _text(value: Any) -> str:
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
    header = next(csv.reader([first], delimiter=delimiter), [])

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(csv.reader(handle, delimiter=delimiter), start=2)
        finally:
            handle.close()

    yield "", [_header_name(h) for h in header], rows()


def _xlsx_tables(source: ImportSource) -> Iterator[Table]:
    from openpyxl import load_workbook

    workbook = load_workbook(source.open(), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            iterator = sheet.iter_rows(values_only=True)
            header: list[str] = []
            number = 0
            for number, values in enumerate(iterator, start=1):  # noqa: B007 - the header's row number is used
                if any(v not in (None, "") for v in values):
                    header = [_header_name(v) for v in values]
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


def _tables(source: ImportSource) -> Iterator[Table]:
    with source.open() as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return _xlsx_tables(source)
    return _csv_tables(source)


# --- checking -------------------------------------------------------------------------------------


@dataclass
class SupplierRow:
    where: tuple[str, int]
    external_id: str
    name: str
    country: str
    values: dict[str, Any]  # the optional columns the file has: region, categories, ... (cleaned)
    parent: str | None = None  # None: the file has no parent_external_id column


@dataclass
class Batch:
    suppliers: dict[str, SupplierRow] = field(default_factory=dict)
    sites: dict[tuple[str, str], tuple[tuple[str, int], dict[str, Any]]] = field(default_factory=dict)
    certificates: dict[tuple[str, str, str], tuple[tuple[str, int], dict[str, Any]]] = field(
        default_factory=dict
    )
    relations: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)


class _Checker:
    """Reads the files into a Batch, collecting every problem. Reads the database once, up front."""

    def __init__(self, actor: User | None, default_unit: OrgUnit | None) -> None:
        self.problems: list[Problem] = []
        self.truncated = False
        self.batch = Batch()
        self.default_unit = default_unit
        self.existing: dict[
            str, tuple[int, int, str]
        ] = {}  # external id -> (id, org unit id, registration id)
        self.registrations: dict[str, str | None] = {}  # registration id -> external id of its supplier
        for sid, ext, unit_id, registration in (
            Supplier.objects.order_by()
            .values_list("id", "external_id", "org_unit_id", "registration_id")
            .iterator(chunk_size=20000)
        ):
            if ext is not None:
                self.existing[ext] = (sid, unit_id, registration)
            if registration:
                self.registrations[registration] = ext
        units = list(OrgUnit.objects.values_list("id", "code", "path"))
        self.unit_by_code = {code: (uid, path) for uid, code, path in units}
        self.unit_path = {uid: path for uid, _, path in units}
        self.paths = unit_paths(actor) if actor is not None else None
        self.reg_seen: dict[str, tuple[str, int]] = {}

    def problem(self, where: tuple[str, int], column: str, value: Any, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(Problem(where[0], where[1], column, _text(value)[:200], message))

    def in_scope(self, unit_id: int) -> bool:
        if self.paths is None:
            return True
        path = self.unit_path.get(unit_id, "")
        return any(path.startswith(p) for p in self.paths)

    def known(self, ext: str) -> bool:
        return ext in self.batch.suppliers or ext in self.existing

    # one method per kind; each gets the row as {column: cell}

    def supplier(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        ext, name, country = _text(row["external_id"]), _text(row["name"]), _text(row["country"]).upper()
        ok = True
        for column, value, limit in (("external_id", ext, 100), ("name", name, 300)):
            if not value:
                self.problem(where, column, value, f"{column} is required")
                ok = False
            elif len(value) > limit:
                self.problem(where, column, value, f"{column} is longer than {limit} characters")
                ok = False
        if not country:
            self.problem(where, "country", country, "country is required")
        elif not is_country(country):
            self.problem(
                where,
                "country",
                row["country"],
                f"unknown country code {_text(row['country'])!r}: use ISO 3166-1 alpha-2, e.g. VN, CN, DE",
            )
        values: dict[str, Any] = {}
        if "region" in columns:
            values["region"] = _text(row["region"])[:200]
        if "address" in columns:
            values["address"] = _text(row["address"])
        if "categories" in columns:
            cats: list[str] = []
            for part in _text(row["categories"]).replace("|", CATEGORY_SEPARATOR).split(CATEGORY_SEPARATOR):
                if not part.strip():
                    continue
                category = normalise_category(part)
                if category in CATEGORIES:
                    cats.append(category)
                else:
                    self.problem(
                        where,
                        "categories",
                        part.strip(),
                        f"unknown category {part.strip()!r}; expected any of {', '.join(CATEGORIES)}",
                    )
            values["categories"] = CATEGORY_SEPARATOR.join(sorted(set(cats)))
        if "aliases" in columns:
            values["aliases"] = [
                a.strip() for a in _text(row["aliases"]).split(CATEGORY_SEPARATOR) if a.strip()
            ]
        if "status" in columns and _text(row["status"]):
            status = _text(row["status"]).lower()
            if status in STATUSES:
                values["status"] = status
            else:
                self.problem(
                    where,
                    "status",
                    row["status"],
                    f"unknown status {_text(row['status'])!r}; expected one of {', '.join(SupplierStatus.values)}",
                )
        if "registration_id" in columns:
            registration = _text(row["registration_id"])
            if len(registration) > 100:
                self.problem(
                    where, "registration_id", registration, "registration_id is longer than 100 characters"
                )
            elif registration:
                earlier = self.reg_seen.get(registration)
                owner = self.registrations.get(registration, ext)
                if earlier is not None:
                    self.problem(
                        where,
                        "registration_id",
                        registration,
                        f"duplicate registration id {registration!r}: also on row {earlier[1]}",
                    )
                elif registration in self.registrations and owner != ext:
                    self.problem(
                        where,
                        "registration_id",
                        registration,
                        f"duplicate registration id {registration!r}: already held by supplier "
                        f"{owner or '(one without an external id)'}",
                    )
                self.reg_seen[registration] = where
            values["registration_id"] = registration
        unit_code = _text(row.get("org_unit", "")) if "org_unit" in columns else ""
        if unit_code:
            unit = self.unit_by_code.get(unit_code)
            if unit is None:
                self.problem(where, "org_unit", unit_code, f"unknown org unit {unit_code!r}")
            elif not self.in_scope(unit[0]):
                self.problem(
                    where,
                    "org_unit",
                    unit_code,
                    f"org unit {unit_code!r} is outside the units you are scoped to",
                )
            else:
                values["org_unit_id"] = unit[0]
        if ext in self.existing and not self.in_scope(self.existing[ext][1]):
            self.problem(
                where, "external_id", ext, f"supplier {ext!r} belongs to an org unit outside your scope"
            )
        if not ok:
            return
        earlier_row = self.batch.suppliers.get(ext)
        if earlier_row is not None:
            self.problem(
                where,
                "external_id",
                ext,
                f"duplicate external_id {ext!r}: also on row {earlier_row.where[1]}",
            )
            return
        parent = _text(row["parent_external_id"]) if "parent_external_id" in columns else None
        self.batch.suppliers[ext] = SupplierRow(where, ext, name, country, values, parent)

    def parents(self) -> None:
        """After every supplier row is read (a parent may come later in the file)."""
        for ext, item in self.batch.suppliers.items():
            if not item.parent:
                continue
            if item.parent == ext:
                self.problem(
                    item.where,
                    "parent_external_id",
                    item.parent,
                    "a supplier cannot be its own parent company",
                )
            elif not self.known(item.parent):
                self.problem(
                    item.where,
                    "parent_external_id",
                    item.parent,
                    f"unknown parent {item.parent!r}: no supplier with that external_id in the file or in Conduct",
                )

    def _supplier_ref(self, where: tuple[str, int], row: dict[str, Any], column: str) -> str:
        ext = _text(row[column])
        if not ext:
            self.problem(where, column, ext, f"{column} is required")
        elif not self.known(ext):
            self.problem(
                where,
                column,
                ext,
                f"unknown supplier {ext!r}: no supplier with that external_id in the files or in Conduct",
            )
        return ext

    def site(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        ext = self._supplier_ref(where, row, "supplier_external_id")
        name, country = _text(row["site_name"]), _text(row["country"]).upper()
        if not name:
            self.problem(where, "site_name", name, "site_name is required")
        elif len(name) > 200:
            self.problem(where, "site_name", name, "site_name is longer than 200 characters")
        if not country:
            self.problem(where, "country", country, "country is required")
        elif not is_country(country):
            self.problem(where, "country", row["country"], f"unknown country code {_text(row['country'])!r}")
        values: dict[str, Any] = {"name": name, "country": country}
        if "region" in columns:
            values["region"] = _text(row["region"])[:200]
        if "address" in columns:
            values["address"] = _text(row["address"])
        if "headcount" in columns:
            raw = row["headcount"]
            text = _text(raw)
            if text:
                try:
                    number = float(text)
                    if number < 0 or not number.is_integer():
                        raise ValueError
                    values["headcount"] = int(number)
                except ValueError:
                    self.problem(
                        where, "headcount", raw, f"headcount {text!r} is not a whole number of people"
                    )
            else:
                values["headcount"] = None
        key = (ext, name)
        if key in self.batch.sites:
            self.problem(
                where,
                "site_name",
                name,
                f"duplicate site {name!r} of {ext!r}: also on row {self.batch.sites[key][0][1]}",
            )
            return
        self.batch.sites[key] = (where, values)

    def certificate(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        ext = self._supplier_ref(where, row, "supplier_external_id")
        standard = normalise_standard(_text(row["standard"])) if _text(row["standard"]) else ""
        number = _text(row["number"])
        for column, value, limit in (("standard", standard, 60), ("number", number, 100)):
            if not value:
                self.problem(where, column, value, f"{column} is required")
            elif len(value) > limit:
                self.problem(where, column, value, f"{column} is longer than {limit} characters")
        values: dict[str, Any] = {"standard": standard, "number": number}
        for column in ("valid_from", "valid_until"):
            if column not in columns:
                continue
            try:
                values[column] = parse_date(row[column])
            except DateProblem as exc:
                self.problem(where, column, row[column], str(exc))
                values[column] = False  # unparseable: already reported
        if "valid_until" in values and values["valid_until"] is None:
            self.problem(where, "valid_until", "", "valid_until is required")
        start, end = values.get("valid_from"), values.get("valid_until")
        if start and end and end < start:
            self.problem(
                where,
                "valid_until",
                row["valid_until"],
                f"impossible validity: valid_until {end.isoformat()} is before valid_from {start.isoformat()}",
            )
        for column in ("issuer", "accreditation_body"):
            if column in columns:
                values[column] = _text(row[column])[:200]
        if "scope" in columns:
            values["scope"] = _text(row["scope"])
        key = (ext, standard, number)
        if key in self.batch.certificates:
            self.problem(
                where,
                "number",
                number,
                f"duplicate certificate {standard} {number} of {ext!r}: also on row "
                f"{self.batch.certificates[key][0][1]}",
            )
            return
        self.batch.certificates[key] = (where, values)

    def relation(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        buyer = self._supplier_ref(where, row, "buyer_external_id")
        supplier = self._supplier_ref(where, row, "supplier_external_id")
        if buyer and buyer == supplier:
            self.problem(where, "supplier_external_id", supplier, "a supplier cannot supply itself")
            return
        key = (buyer, supplier)
        if key in self.batch.relations:
            self.problem(
                where,
                "supplier_external_id",
                supplier,
                f"duplicate relation {buyer} -> {supplier}: also on row {self.batch.relations[key][1]}",
            )
            return
        self.batch.relations[key] = where


def _read(sources: list[ImportSource], checker: _Checker, report: ImportReport) -> None:
    tables: dict[str, list[tuple[str, list[str], Iterator[tuple[int, list[Any]]], FileReport]]] = {
        k: [] for k in ORDER
    }
    for source in sources:
        digest = source.sha256()
        try:
            found = list(_tables(source))
        except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError) as exc:
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
                    "cannot tell what this file holds from its header; expected the "
                    "columns of a suppliers, sites, certificates or relations template",
                )
                continue
            tables[kind].append((label, header, rows, file_report))
    readers: dict[str, Callable[[tuple[str, int], dict[str, Any], set[str]], None]] = {
        "suppliers": checker.supplier,
        "sites": checker.site,
        "certificates": checker.certificate,
        "relations": checker.relation,
    }
    for kind in ORDER:
        spec = KINDS[kind]
        for label, header, rows, file_report in tables[kind]:
            columns = set(header)
            usable = True
            for missing in [c for c in spec.required if c not in columns]:
                checker.problem((label, 1), missing, "", f"the {kind} file has no {missing} column")
                usable = False
            for position, name in enumerate(header):
                if name and name not in spec.all:
                    checker.problem(
                        (label, 1),
                        name,
                        name,
                        f"unknown column {name!r} for a {kind} file; expected {', '.join(spec.all)}",
                    )
                elif name and header.index(name) != position:
                    checker.problem((label, 1), name, name, f"the column {name!r} appears twice")
            positions = [(name, header.index(name)) for name in spec.all if name in columns]
            read = readers[kind]
            count = 0
            for number, cells in rows:
                if not any(c not in (None, "") and (not isinstance(c, str) or c.strip()) for c in cells):
                    continue  # an empty line carries nothing
                count += 1
                if not usable:
                    continue
                if len(cells) > len(header) and any(_text(c) for c in cells[len(header) :]):
                    checker.problem(
                        (label, number),
                        "",
                        "",
                        f"the row has {len(cells)} cells but the header {len(header)} columns",
                    )
                row = {name: _cell(cells[i]) if i < len(cells) else "" for name, i in positions}
                read((label, number), row, columns)
            file_report.rows = count
        if kind == "suppliers":
            checker.parents()


# --- writing --------------------------------------------------------------------------------------


SUPPLIER_FIELDS = [
    "name",
    "country",
    "region",
    "address",
    "categories",
    "aliases",
    "registration_id",
    "status",
    "org_unit_id",
    "parent_company_id",
]
SITE_FIELDS = ["country", "region", "address", "headcount"]
CERT_FIELDS = ["issuer", "valid_from", "valid_until", "accreditation_body", "scope"]


def _write(checker: _Checker, unit: OrgUnit, report: ImportReport) -> dict[str, dict[str, int]]:
    """Write a checked batch. Existing rows are read once and compared; only new or changed rows are written."""
    batch, existing = checker.batch, checker.existing
    adapt = bulk.Adapt()
    now = adapt.when(timezone.now())
    counts = {k: {"created": 0, "updated": 0, "unchanged": 0} for k in ORDER}
    touched: dict[str, str] = {}  # external id -> designated region from its own region

    # suppliers: new ones inserted, then every id read back; existing ones compared and updated when different
    fresh = [ext for ext in batch.suppliers if ext not in existing]
    rows = []
    for ext in fresh:
        item = batch.suppliers[ext]
        values = item.values
        region = values.get("region", "")
        touched[ext] = designation(region, item.country)
        rows.append(
            (
                ext,
                item.name,
                item.country,
                region,
                values.get("address", ""),
                values.get("categories", ""),
                adapt.json(values.get("aliases", [])),
                values.get("registration_id", ""),
                "[]",
                values.get("status", SupplierStatus.PROSPECT),
                values.get("org_unit_id") or unit.pk,
                touched[ext],
                1,
                "",
                now,
                now,
            )
        )
    counts["suppliers"]["created"] = bulk.insert_rows(
        Supplier,
        [
            "external_id",
            "name",
            "country",
            "region",
            "address",
            "categories",
            "aliases",
            "registration_id",
            "other_registration_ids",
            "status",
            "org_unit",
            "designated_region",
            "tier",
            "risk_band",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    ids: dict[str, int] = dict(
        Supplier.objects.filter(external_id__isnull=False)
        .order_by()
        .values_list("external_id", "id")
        .iterator(chunk_size=20000)
    )
    parents = [(ids[item.parent], ids[ext]) for ext in fresh if (item := batch.suppliers[ext]).parent]
    bulk.update_rows(Supplier, ["parent_company"], parents)

    updating = [ext for ext in batch.suppliers if ext in existing]
    changed_rows = []
    for chunk in supplier_graph.chunks(updating):  # type: ignore[arg-type]
        for row in (
            Supplier.objects.filter(external_id__in=chunk)
            .order_by()
            .values("id", "external_id", *SUPPLIER_FIELDS)
        ):
            item = batch.suppliers[row["external_id"]]
            wanted = {"name": item.name, "country": item.country, **item.values}
            if item.parent is not None:
                wanted["parent_company_id"] = ids[item.parent] if item.parent else None
            merged = {f: wanted.get(f, row[f]) for f in SUPPLIER_FIELDS}
            if all(merged[f] == row[f] for f in SUPPLIER_FIELDS):
                counts["suppliers"]["unchanged"] += 1
                continue
            touched[row["external_id"]] = designation(merged["region"], merged["country"])
            changed_rows.append(
                (
                    *(adapt.json(merged[f]) if f == "aliases" else merged[f] for f in SUPPLIER_FIELDS),
                    touched[row["external_id"]],
                    now,
                    row["id"],
                )
            )
    counts["suppliers"]["updated"] = bulk.update_rows(
        Supplier, [*SUPPLIER_FIELDS, "designated_region", "updated_at"], changed_rows
    )
    report.changed_suppliers = [ids[ext] for ext in fresh] + [row[-1] for row in changed_rows]

    known = {ids[ext] for ext in existing}

    # sites, matched by (supplier, name)
    if batch.sites:
        current = {
            (r["supplier_id"], r["name"]): r
            for r in _load_children(
                SupplierSite,
                ["id", "supplier_id", "name", *SITE_FIELDS],
                {ids[e] for e, _ in batch.sites} & known,
            )
        }
        new_sites, site_updates = [], []
        for (ext, name), (_, values) in batch.sites.items():
            sid = ids[ext]
            row = current.get((sid, name))
            merged = {
                f: values.get(f, row[f] if row else ("" if f != "headcount" else None)) for f in SITE_FIELDS
            }
            desig = designation(merged["region"], merged["country"])
            if desig:
                touched.setdefault(ext, "")
            if row is None:
                new_sites.append((sid, name, *merged.values(), desig))
            elif any(merged[f] != row[f] for f in SITE_FIELDS):
                site_updates.append((*merged.values(), desig, row["id"]))
            else:
                counts["sites"]["unchanged"] += 1
        counts["sites"]["created"] = bulk.insert_rows(
            SupplierSite, ["supplier", "name", *SITE_FIELDS, "designated_region"], new_sites
        )
        counts["sites"]["updated"] = bulk.update_rows(
            SupplierSite, [*SITE_FIELDS, "designated_region"], site_updates
        )

    # certificates, matched by (supplier, standard, number)
    if batch.certificates:
        current_certs = {
            (r["supplier_id"], r["standard"], r["number"]): r
            for r in _load_children(
                Certificate,
                ["id", "supplier_id", "standard", "number", *CERT_FIELDS],
                {ids[e] for e, _, _ in batch.certificates} & known,
            )
        }
        new_certs, cert_updates = [], []
        for (ext, standard, number), (_, values) in batch.certificates.items():
            sid = ids[ext]
            row = current_certs.get((sid, standard, number))
            merged = {
                f: values.get(f, row[f] if row else (None if f.startswith("valid") else ""))
                for f in CERT_FIELDS
            }
            if row is not None and all(merged[f] == row[f] for f in CERT_FIELDS):
                counts["certificates"]["unchanged"] += 1
                continue
            prepared = (
                merged["issuer"],
                adapt.day(merged["valid_from"]),
                adapt.day(merged["valid_until"]),
                merged["accreditation_body"],
                merged["scope"],
            )
            if row is None:
                new_certs.append((sid, standard, number, *prepared, "", "", "", "", "", now, now))
            else:
                cert_updates.append((*prepared, now, row["id"]))
        counts["certificates"]["created"] = bulk.insert_rows(
            Certificate,
            [
                "supplier",
                "standard",
                "number",
                *CERT_FIELDS,
                "file",
                "file_name",
                "file_type",
                "file_sha256",
                "withdrawn_reason",
                "created_at",
                "updated_at",
            ],
            new_certs,
        )
        counts["certificates"]["updated"] = bulk.update_rows(
            Certificate, [*CERT_FIELDS, "updated_at"], cert_updates
        )

    # relations: new pairs only (a pair is a fact; there is nothing to update)
    if batch.relations:
        buyers = {ids[b] for b, _ in batch.relations} & known
        present = {
            (r["buyer_id"], r["supplier_id"])
            for r in _load_children(SupplierRelation, ["buyer_id", "supplier_id"], buyers, key="buyer_id")
        }
        pairs = [(ids[b], ids[s]) for b, s in batch.relations]
        new_pairs = [(b, s, now) for b, s in pairs if (b, s) not in present]
        counts["relations"]["unchanged"] = len(pairs) - len(new_pairs)
        counts["relations"]["created"] = bulk.insert_rows(
            SupplierRelation, ["buyer", "supplier", "created_at"], new_pairs
        )
        if new_pairs:
            supplier_graph.tiers_refresh()

    # A supplier is designated when its own region is, or any of its sites (also sites imported before).
    touched_ids = {ids[ext]: own for ext, own in touched.items()}
    designated_sites = dict(
        SupplierSite.objects.exclude(designated_region="")
        .order_by()
        .values_list("supplier_id", "designated_region")
    )
    bulk.update_rows(
        Supplier,
        ["designated_region"],
        [
            (designated_sites[sid], sid)
            for sid, own in touched_ids.items()
            if not own and sid in designated_sites
        ],
    )
    if sum(c["created"] + c["updated"] for c in counts.values()) >= ANALYZE_FROM:
        bulk.analyze(Supplier, SupplierSite, Certificate, SupplierRelation)
    return counts


def _load_children(
    model: Any, columns: list[str], supplier_ids: set[int], key: str = "supplier_id"
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for batch in supplier_graph.chunks(sorted(supplier_ids)):
        rows.extend(model.objects.filter(**{f"{key}__in": batch}).order_by().values(*columns))
    return rows


def default_unit(actor: User | None) -> OrgUnit | None:
    if actor is not None and actor.home_unit_id:
        return actor.home_unit
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


def supplier_import(
    *, actor: User | None, sources: list[ImportSource], commit: bool = False, unit: OrgUnit | None = None
) -> ImportReport:
    """Check the files and, with commit=True and no problem anywhere, import all of them in one transaction."""
    started = time.perf_counter()
    if actor is not None:
        require(actor, "suppliers.import")
    if not sources:
        raise Invalid("Choose at least one file to import.", fields={"file": "Required."})
    unit = unit or default_unit(actor)
    if unit is None:
        raise Invalid("There is no org unit to put new suppliers in.", fields={"org_unit": "Required."})
    if actor is not None:
        from conduct.apps.accounts.scoping import require_unit

        require_unit(actor, "suppliers.import", unit)
    report = ImportReport()
    with bulk.paused_gc():
        return _import(actor, sources, commit, unit, report, started)


def _import(
    actor: User | None,
    sources: list[ImportSource],
    commit: bool,
    unit: OrgUnit,
    report: ImportReport,
    started: float,
) -> ImportReport:
    checker = _Checker(actor, unit)
    _read(sources, checker, report)
    report.problems = sorted(checker.problems, key=lambda p: (p.file, p.row, p.column))
    report.truncated = checker.truncated
    batch = checker.batch
    planned = {
        "suppliers": len(batch.suppliers),
        "sites": len(batch.sites),
        "certificates": len(batch.certificates),
        "relations": len(batch.relations),
    }
    report.counts = {k: {"rows": v} for k, v in planned.items()}
    if commit and report.ok:
        with transaction.atomic():
            written = _write(checker, unit, report)
            report.counts = {k: {"rows": planned[k], **written[k]} for k in ORDER}
            ledger_append(
                actor=actor or "cli",
                action="supplier.import",
                object_type="supplier_import",
                object_id=timezone.now().strftime("%Y%m%dT%H%M%S"),
                summary={
                    "files": [
                        {"name": f.name, "sheet": f.sheet, "kind": f.kind, "rows": f.rows, "sha256": f.sha256}
                        for f in report.files
                    ],
                    "counts": report.counts,
                    "org_unit": unit.code,
                },
            )
        report.committed = True
    report.seconds = round(time.perf_counter() - started, 2)
    return report
