"""Writing a checked import: existing rows are read once and compared; only new or changed rows are written,
with bulk inserts and executemany updates."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.suppliers import bulk
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.models import (
    Certificate,
    Supplier,
    SupplierRelation,
    SupplierSite,
    SupplierStatus,
)
from conduct.apps.suppliers.reference import designation
from conduct.apps.suppliers.services.importing.checking import Checker
from conduct.apps.suppliers.services.importing.report import ORDER

ANALYZE_FROM = 1000  # rows written, from which the planner's statistics are refreshed
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


Written = dict[int, dict[str, Any]]  # object id -> the values written, by attribute name


def write_batch(
    checker: Checker, unit: OrgUnit
) -> tuple[dict[str, dict[str, int]], list[int], dict[str, Written]]:
    """Write a checked batch in the caller's transaction: (counts per kind, ids of the suppliers created or
    changed, and the suppliers and certificates created or changed with the values written, for the ledger
    entry's covers: LedgerItem.covers)."""
    writer = _Writer(checker, unit)
    created = writer.insert_suppliers()
    updated = writer.update_suppliers()
    writer.sites()
    writer.certificates()
    writer.relations()
    writer.designate()
    if sum(c["created"] + c["updated"] for c in writer.counts.values()) >= ANALYZE_FROM:
        bulk.analyze(Supplier, SupplierSite, Certificate, SupplierRelation)
    written = {"supplier": writer.written_suppliers, "certificate": writer.written_certificates}
    return writer.counts, created + updated, written


class _Writer:
    """One import's writes, kind by kind, sharing what each step learnt (ids by external id, touched
    suppliers)."""

    def __init__(self, checker: Checker, unit: OrgUnit) -> None:
        self.batch, self.existing, self.unit = checker.batch, checker.existing, unit
        self.adapt = bulk.Adapt()
        self.now = self.adapt.when(timezone.now())
        self.counts = {k: {"created": 0, "updated": 0, "unchanged": 0} for k in ORDER}
        self.touched: dict[str, str] = {}  # external id -> designated region from its own region
        self.fresh = [ext for ext in self.batch.suppliers if ext not in self.existing]
        self.ids: dict[str, int] = {}
        self.known: set[int] = set()
        # What was written of each supplier and certificate created or changed (the ledger's covers)
        self.written_suppliers: Written = {}
        self.written_certificates: Written = {}
        self._fresh_values: list[dict[str, Any]] = []

    def insert_suppliers(self) -> list[int]:
        """New suppliers inserted, then every id read back. Returns the new ids."""
        rows = [self._new_supplier_row(ext) for ext in self.fresh]
        self.counts["suppliers"]["created"] = bulk.insert_rows(
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
        self.ids = dict(
            Supplier.objects.filter(external_id__isnull=False)
            .order_by()
            .values_list("external_id", "id")
            .iterator(chunk_size=20000)
        )
        parents = [
            (self.ids[item.parent], self.ids[ext])
            for ext in self.fresh
            if (item := self.batch.suppliers[ext]).parent
        ]
        bulk.update_rows(Supplier, ["parent_company"], parents)
        self.known = {self.ids[ext] for ext in self.existing}
        new_ids = [self.ids[ext] for ext in self.fresh]
        self.written_suppliers.update(zip(new_ids, self._fresh_values, strict=True))
        return new_ids

    def _new_supplier_row(self, ext: str) -> tuple[Any, ...]:
        item = self.batch.suppliers[ext]
        values = item.values
        region = values.get("region", "")
        self.touched[ext] = designation(region, item.country)
        status = values.get("status", SupplierStatus.PROSPECT)
        org_unit_id = values.get("org_unit_id") or self.unit.pk
        self._fresh_values.append(
            {"name": item.name, "country": item.country, "status": status, "org_unit_id": org_unit_id}
        )
        return (
            ext,
            item.name,
            item.country,
            region,
            values.get("address", ""),
            values.get("categories", ""),
            self.adapt.json(values.get("aliases", [])),
            values.get("registration_id", ""),
            "[]",
            status,
            org_unit_id,
            self.touched[ext],
            1,
            "",
            self.now,
            self.now,
        )

    def update_suppliers(self) -> list[int]:
        """Existing suppliers compared and updated when different. Returns the changed ids."""
        updating = [ext for ext in self.batch.suppliers if ext in self.existing]
        changed_rows = []
        for chunk in supplier_graph.chunks(updating):  # type: ignore[arg-type]
            for row in (
                Supplier.objects.filter(external_id__in=chunk)
                .order_by()
                .values("id", "external_id", *SUPPLIER_FIELDS)
            ):
                item = self.batch.suppliers[row["external_id"]]
                wanted = {"name": item.name, "country": item.country, **item.values}
                if item.parent is not None:
                    wanted["parent_company_id"] = self.ids[item.parent] if item.parent else None
                merged = {f: wanted.get(f, row[f]) for f in SUPPLIER_FIELDS}
                if all(merged[f] == row[f] for f in SUPPLIER_FIELDS):
                    self.counts["suppliers"]["unchanged"] += 1
                    continue
                self.touched[row["external_id"]] = designation(merged["region"], merged["country"])
                self.written_suppliers[row["id"]] = merged
                changed_rows.append(
                    (
                        *(
                            self.adapt.json(merged[f]) if f == "aliases" else merged[f]
                            for f in SUPPLIER_FIELDS
                        ),
                        self.touched[row["external_id"]],
                        self.now,
                        row["id"],
                    )
                )
        self.counts["suppliers"]["updated"] = bulk.update_rows(
            Supplier, [*SUPPLIER_FIELDS, "designated_region", "updated_at"], changed_rows
        )
        return [row[-1] for row in changed_rows]

    def sites(self) -> None:
        """Sites, matched by (supplier, name)."""
        if not self.batch.sites:
            return
        current = {
            (r["supplier_id"], r["name"]): r
            for r in _load_children(
                SupplierSite,
                ["id", "supplier_id", "name", *SITE_FIELDS],
                {self.ids[e] for e, _ in self.batch.sites} & self.known,
            )
        }
        new_sites, site_updates = [], []
        for (ext, name), (_, values) in self.batch.sites.items():
            sid = self.ids[ext]
            row = current.get((sid, name))
            merged = {
                f: values.get(f, row[f] if row else ("" if f != "headcount" else None)) for f in SITE_FIELDS
            }
            desig = designation(merged["region"], merged["country"])
            if desig:
                self.touched.setdefault(ext, "")
            if row is None:
                new_sites.append((sid, name, *merged.values(), desig))
            elif any(merged[f] != row[f] for f in SITE_FIELDS):
                site_updates.append((*merged.values(), desig, row["id"]))
            else:
                self.counts["sites"]["unchanged"] += 1
        self.counts["sites"]["created"] = bulk.insert_rows(
            SupplierSite, ["supplier", "name", *SITE_FIELDS, "designated_region"], new_sites
        )
        self.counts["sites"]["updated"] = bulk.update_rows(
            SupplierSite, [*SITE_FIELDS, "designated_region"], site_updates
        )

    def certificates(self) -> None:
        """Certificates, matched by (supplier, standard, number)."""
        if not self.batch.certificates:
            return
        current_certs = {
            (r["supplier_id"], r["standard"], r["number"]): r
            for r in _load_children(
                Certificate,
                ["id", "supplier_id", "standard", "number", *CERT_FIELDS, "withdrawn_at", "file_sha256"],
                {self.ids[e] for e, _, _ in self.batch.certificates} & self.known,
            )
        }
        new_certs, new_values, cert_updates = [], [], []
        for (ext, standard, number), (_, values) in self.batch.certificates.items():
            sid = self.ids[ext]
            row = current_certs.get((sid, standard, number))
            merged = {
                f: values.get(f, row[f] if row else (None if f.startswith("valid") else ""))
                for f in CERT_FIELDS
            }
            if row is not None and all(merged[f] == row[f] for f in CERT_FIELDS):
                self.counts["certificates"]["unchanged"] += 1
                continue
            prepared = (
                merged["issuer"],
                self.adapt.day(merged["valid_from"]),
                self.adapt.day(merged["valid_until"]),
                merged["accreditation_body"],
                merged["scope"],
            )
            written = {"supplier_id": sid, "standard": standard, "number": number, **merged}
            if row is None:
                new_certs.append((sid, standard, number, *prepared, "", "", "", "", "", self.now, self.now))
                new_values.append({**written, "withdrawn_at": None, "file_sha256": ""})
            else:
                cert_updates.append((*prepared, self.now, row["id"]))
                self.written_certificates[row["id"]] = {
                    **written,
                    "withdrawn_at": row["withdrawn_at"],
                    "file_sha256": row["file_sha256"],
                }
        self._insert_certificates(new_certs, new_values)
        self.counts["certificates"]["updated"] = bulk.update_rows(
            Certificate, [*CERT_FIELDS, "updated_at"], cert_updates
        )

    def _insert_certificates(self, new_certs: list[tuple[Any, ...]], values: list[dict[str, Any]]) -> None:
        """The new certificates, their ids returned by the insert (or read back by (supplier, standard,
        number) where the backend cannot return them)."""
        fields = [
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
        ]
        ids = bulk.insert_rows_returning_ids(Certificate, fields, new_certs)
        if ids is None:
            bulk.insert_rows(Certificate, fields, new_certs)
            by_key = self._ids_of_new(new_certs)
            ids = [by_key[(row[0], row[1], row[2])] for row in new_certs]
        self.counts["certificates"]["created"] = len(ids)
        self.written_certificates.update(zip(ids, values, strict=True))

    def _ids_of_new(self, new_certs: list[tuple[Any, ...]]) -> dict[tuple[int, str, str], int]:
        """The ids of the certificates just inserted, read back by (supplier, standard, number)."""
        if not new_certs:
            return {}
        wanted = {(row[0], row[1], row[2]) for row in new_certs}
        return {
            key: r["id"]
            for r in _load_children(
                Certificate, ["id", "supplier_id", "standard", "number"], {key[0] for key in wanted}
            )
            if (key := (r["supplier_id"], r["standard"], r["number"])) in wanted
        }

    def relations(self) -> None:
        """New (buyer, supplier) pairs only: a pair is a fact; there is nothing to update."""
        if not self.batch.relations:
            return
        buyers = {self.ids[b] for b, _ in self.batch.relations} & self.known
        present = {
            (r["buyer_id"], r["supplier_id"])
            for r in _load_children(SupplierRelation, ["buyer_id", "supplier_id"], buyers, key="buyer_id")
        }
        pairs = [(self.ids[b], self.ids[s]) for b, s in self.batch.relations]
        new_pairs = [(b, s, self.now) for b, s in pairs if (b, s) not in present]
        self.counts["relations"]["unchanged"] = len(pairs) - len(new_pairs)
        self.counts["relations"]["created"] = bulk.insert_rows(
            SupplierRelation, ["buyer", "supplier", "created_at"], new_pairs
        )
        if new_pairs:
            supplier_graph.tiers_refresh()

    def designate(self) -> None:
        """A supplier is designated when its own region is, or any of its sites (also sites imported
        before)."""
        touched_ids = {self.ids[ext]: own for ext, own in self.touched.items()}
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


def _load_children(
    model: Any, columns: list[str], supplier_ids: set[int], key: str = "supplier_id"
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for batch in supplier_graph.chunks(sorted(supplier_ids)):
        rows.extend(model.objects.filter(**{f"{key}__in": batch}).order_by().values(*columns))
    return rows
