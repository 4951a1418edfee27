"""What an import reads and reports: the kinds of file (by their columns), problems by file, row and column,
and the report the API, the page and the CLI show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 100_000  # beyond this a file is not "messy" but wrong; stop collecting and say so


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
