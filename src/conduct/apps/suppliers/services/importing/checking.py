"""Checking import rows: every row of every file is read into a Batch, and every problem is collected by file,
row and column. The database is read once, up front."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import unit_paths
from conduct.apps.suppliers.dates import DateProblem, parse_date
from conduct.apps.suppliers.models import CATEGORY_SEPARATOR, Supplier, SupplierStatus
from conduct.apps.suppliers.reference import CATEGORIES, is_country, normalise_category, normalise_standard
from conduct.apps.suppliers.services.importing.reading import text as _text
from conduct.apps.suppliers.services.importing.report import (
    MAX_PROBLEMS,
    Problem,
)

STATUSES = frozenset(SupplierStatus.values)
CHECK_EVERY = 1000  # rows between two looks at the clock


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


class Checker:
    """Reads the files into a Batch, collecting every problem. Reads the database once, up front."""

    def __init__(self, actor: Actor, default_unit: OrgUnit | None) -> None:
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
        self.paths = None if isinstance(actor, SystemActor) else unit_paths(actor)
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
                self.problem(where, column, value, _("%(column)s is required") % {"column": column})
                ok = False
            elif len(value) > limit:
                self.problem(
                    where,
                    column,
                    value,
                    _("%(column)s is longer than %(limit)s characters") % {"column": column, "limit": limit},
                )
                ok = False
        if not country:
            self.problem(where, "country", country, _("country is required"))
        elif not is_country(country):
            self.problem(
                where,
                "country",
                row["country"],
                _("unknown country code %(text)s: use ISO 3166-1 alpha-2, e.g. VN, CN, DE")
                % {"text": repr(_text(row["country"]))},
            )
        values = self._supplier_values(where, row, columns, ext)
        if ext in self.existing and not self.in_scope(self.existing[ext][1]):
            self.problem(
                where,
                "external_id",
                ext,
                _("supplier %(ext)s belongs to an org unit outside your scope") % {"ext": repr(ext)},
            )
        if not ok:
            return
        earlier_row = self.batch.suppliers.get(ext)
        if earlier_row is not None:
            self.problem(
                where,
                "external_id",
                ext,
                _("duplicate external_id %(ext)s: also on row %(where)s")
                % {"ext": repr(ext), "where": earlier_row.where[1]},
            )
            return
        parent = _text(row["parent_external_id"]) if "parent_external_id" in columns else None
        self.batch.suppliers[ext] = SupplierRow(where, ext, name, country, values, parent)

    def _supplier_values(
        self, where: tuple[str, int], row: dict[str, Any], columns: set[str], ext: str
    ) -> dict[str, Any]:
        """The optional columns of a supplier row, cleaned; problems reported."""
        values: dict[str, Any] = {}
        if "region" in columns:
            values["region"] = _text(row["region"])[:200]
        if "address" in columns:
            values["address"] = _text(row["address"])
        if "categories" in columns:
            values["categories"] = self._categories(where, row)
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
                    _("unknown status %(text)s; expected one of %(values)s")
                    % {"text": repr(_text(row["status"])), "values": ", ".join(SupplierStatus.values)},
                )
        if "registration_id" in columns:
            values["registration_id"] = self._registration(where, row, ext)
        unit_code = _text(row.get("org_unit", "")) if "org_unit" in columns else ""
        if unit_code:
            unit = self.unit_by_code.get(unit_code)
            if unit is None:
                self.problem(
                    where,
                    "org_unit",
                    unit_code,
                    _("unknown org unit %(unit_code)s") % {"unit_code": repr(unit_code)},
                )
            elif not self.in_scope(unit[0]):
                self.problem(
                    where,
                    "org_unit",
                    unit_code,
                    _("org unit %(unit_code)s is outside the units you are scoped to")
                    % {"unit_code": repr(unit_code)},
                )
            else:
                values["org_unit_id"] = unit[0]
        return values

    def _categories(self, where: tuple[str, int], row: dict[str, Any]) -> str:
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
                    _("unknown category %(strip)s; expected any of %(categories)s")
                    % {"strip": repr(part.strip()), "categories": ", ".join(CATEGORIES)},
                )
        return CATEGORY_SEPARATOR.join(sorted(set(cats)))

    def _registration(self, where: tuple[str, int], row: dict[str, Any], ext: str) -> str:
        registration = _text(row["registration_id"])
        if len(registration) > 100:
            self.problem(
                where, "registration_id", registration, _("registration_id is longer than 100 characters")
            )
        elif registration:
            earlier = self.reg_seen.get(registration)
            owner = self.registrations.get(registration, ext)
            if earlier is not None:
                self.problem(
                    where,
                    "registration_id",
                    registration,
                    _("duplicate registration id %(registration)s: also on row %(earlier)s")
                    % {"registration": repr(registration), "earlier": earlier[1]},
                )
            elif registration in self.registrations and owner != ext:
                self.problem(
                    where,
                    "registration_id",
                    registration,
                    _("duplicate registration id %(registration)s: already held by supplier %(value)s")
                    % {"registration": repr(registration), "value": owner or "(one without an external id)"},
                )
            self.reg_seen[registration] = where
        return registration

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
                    _("a supplier cannot be its own parent company"),
                )
            elif not self.known(item.parent):
                self.problem(
                    item.where,
                    "parent_external_id",
                    item.parent,
                    _(
                        "unknown parent %(parent)s: no supplier with that external_id "
                        "in the file or in Conduct"
                    )
                    % {"parent": repr(item.parent)},
                )

    def _supplier_ref(self, where: tuple[str, int], row: dict[str, Any], column: str) -> str:
        ext = _text(row[column])
        if not ext:
            self.problem(where, column, ext, _("%(column)s is required") % {"column": column})
        elif not self.known(ext):
            self.problem(
                where,
                column,
                ext,
                _("unknown supplier %(ext)s: no supplier with that external_id in the files or in Conduct")
                % {"ext": repr(ext)},
            )
        return ext

    def site(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        ext = self._supplier_ref(where, row, "supplier_external_id")
        name, country = _text(row["site_name"]), _text(row["country"]).upper()
        if not name:
            self.problem(where, "site_name", name, _("site_name is required"))
        elif len(name) > 200:
            self.problem(where, "site_name", name, _("site_name is longer than 200 characters"))
        if not country:
            self.problem(where, "country", country, _("country is required"))
        elif not is_country(country):
            self.problem(
                where,
                "country",
                row["country"],
                _("unknown country code %(text)s") % {"text": repr(_text(row["country"]))},
            )
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
                        where,
                        "headcount",
                        raw,
                        _("headcount %(text)s is not a whole number of people") % {"text": repr(text)},
                    )
            else:
                values["headcount"] = None
        key = (ext, name)
        if key in self.batch.sites:
            self.problem(
                where,
                "site_name",
                name,
                _("duplicate site %(name)s of %(ext)s: also on row %(sites)s")
                % {"name": repr(name), "ext": repr(ext), "sites": self.batch.sites[key][0][1]},
            )
            return
        self.batch.sites[key] = (where, values)

    def certificate(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        ext = self._supplier_ref(where, row, "supplier_external_id")
        standard = normalise_standard(_text(row["standard"])) if _text(row["standard"]) else ""
        number = _text(row["number"])
        for column, value, limit in (("standard", standard, 60), ("number", number, 100)):
            if not value:
                self.problem(where, column, value, _("%(column)s is required") % {"column": column})
            elif len(value) > limit:
                self.problem(
                    where,
                    column,
                    value,
                    _("%(column)s is longer than %(limit)s characters") % {"column": column, "limit": limit},
                )
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
            self.problem(where, "valid_until", "", _("valid_until is required"))
        start, end = values.get("valid_from"), values.get("valid_until")
        if start and end and end < start:
            self.problem(
                where,
                "valid_until",
                row["valid_until"],
                _("impossible validity: valid_until %(isoformat)s is before valid_from %(isoformat2)s")
                % {"isoformat": end.isoformat(), "isoformat2": start.isoformat()},
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
                _("duplicate certificate %(standard)s %(number)s of %(ext)s: also on row %(certificates)s")
                % {
                    "standard": standard,
                    "number": number,
                    "ext": repr(ext),
                    "certificates": self.batch.certificates[key][0][1],
                },
            )
            return
        self.batch.certificates[key] = (where, values)

    def relation(self, where: tuple[str, int], row: dict[str, Any], columns: set[str]) -> None:
        buyer = self._supplier_ref(where, row, "buyer_external_id")
        supplier = self._supplier_ref(where, row, "supplier_external_id")
        if buyer and buyer == supplier:
            self.problem(where, "supplier_external_id", supplier, _("a supplier cannot supply itself"))
            return
        key = (buyer, supplier)
        if key in self.batch.relations:
            self.problem(
                where,
                "supplier_external_id",
                supplier,
                _("duplicate relation %(buyer)s -> %(supplier)s: also on row %(relations)s")
                % {"buyer": buyer, "supplier": supplier, "relations": self.batch.relations[key][1]},
            )
            return
        self.batch.relations[key] = where
