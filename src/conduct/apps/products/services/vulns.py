"""Vulnerability data loads: CVE JSON 5 records, OSV records and the KEV catalogue. A reload updates a record
in place; KEV flags and CVSS scores are kept per CVE. A file that cannot be read refuses the whole load."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid
from conduct.apps.products.models import Vulnerability
from conduct.apps.products.services._common import ProductAction
from conduct.apps.products.services.rematch import schedule_rematch
from conduct.core.products import (
    KevEntry,
    RecordError,
    VulnRecord,
    detect_format,
    kev_target,
    read_cve5,
    read_kev,
    read_osv,
    targets_to_json,
)

MAX_DOCUMENTS = 100_000


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    kev_flagged: int = 0
    formats: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "kev_flagged": self.kev_flagged,
            "formats": self.formats,
        }


def parse_documents(
    documents: list[tuple[str, str]],
) -> tuple[list[VulnRecord], list[KevEntry], dict[str, str]]:
    """Read every (name, text) document; the errors by document name."""
    records: list[VulnRecord] = []
    kev: list[KevEntry] = []
    errors: dict[str, str] = {}
    for name, text in documents[:MAX_DOCUMENTS]:
        try:
            if "\x00" in text:
                raise RecordError(_("the file contains NUL bytes"))
            try:
                data = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                raise RecordError(_("not JSON: %(why)s") % {"why": exc}) from None
            kind = detect_format(data)
            if kind == "cve5":
                records.append(read_cve5(data, name))
            elif kind == "osv":
                records.append(read_osv(data, name))
            elif kind == "kev":
                kev.extend(read_kev(data, name)[1])
            else:
                raise RecordError(_("neither a CVE JSON 5 record, an OSV record nor the KEV catalogue"))
        except RecordError as exc:
            errors[name[:200]] = exc.message[:300]
    if len(documents) > MAX_DOCUMENTS:
        errors["files"] = _("At most %(n)d files per load.") % {"n": MAX_DOCUMENTS}
    if not documents:
        errors["files"] = _("No vulnerability files.")
    return records, kev, errors


def _store_records(records: list[VulnRecord], result: LoadResult, kev_cves: set[str]) -> None:
    existing = {v.cve: v for v in Vulnerability.objects.filter(cve__in=[r.cve for r in records])}
    now = timezone.now()
    for record in records:
        row = existing.get(record.cve) or Vulnerability(cve=record.cve)
        created = row.pk is None
        row.source = record.source
        row.summary = record.summary
        row.cvss, row.cvss_source = record.cvss, record.cvss_source
        row.kev = row.kev or record.kev or record.cve in kev_cves
        kept = row.targets if row.kev_product and not record.targets else None
        row.targets = kept or targets_to_json(
            record.targets
        )  # a KEV entry's product until a record names one
        row.updated_at = now
        row.save()
        existing[record.cve] = row
        result.created += created
        result.updated += not created
        result.formats[record.source] = result.formats.get(record.source, 0) + 1


def _store_kev(entries: list[KevEntry], result: LoadResult) -> None:
    existing = {v.cve: v for v in Vulnerability.objects.filter(cve__in=[e.cve for e in entries])}
    now = timezone.now()
    fresh = []
    for entry in entries:
        row = existing.get(entry.cve)
        if row is None:  # a KEV entry with no record yet: its product, with the range unknown
            fresh.append(
                Vulnerability(
                    cve=entry.cve,
                    source="kev",
                    summary=entry.name[:1000],
                    kev=True,
                    kev_added=entry.date_added[:10],
                    kev_product=f"{entry.vendor} {entry.product}"[:300],
                    targets=targets_to_json((kev_target(entry),)),
                    updated_at=now,
                )
            )
            result.created += 1
        elif not row.kev or row.kev_added != entry.date_added[:10]:
            row.kev, row.kev_added, row.updated_at = True, entry.date_added[:10], now
            row.kev_product = f"{entry.vendor} {entry.product}"[:300]
            row.targets = row.targets or targets_to_json((kev_target(entry),))
            row.save(update_fields=["kev", "kev_added", "kev_product", "targets", "updated_at"])
            result.updated += 1
        result.kev_flagged += 1
    Vulnerability.objects.bulk_create(fresh, batch_size=1000)
    if entries:
        result.formats["kev"] = len(entries)


@transaction.atomic
def vulns_load(*, actor: Actor, documents: list[tuple[str, str]]) -> LoadResult:
    """Load vulnerability documents ((name, text) pairs), all or nothing."""
    authorize(actor, "vulns.load")
    records, kev, errors = parse_documents(documents)
    if errors:
        raise Invalid(_("The vulnerability data has errors; nothing was loaded."), fields=errors)
    result = LoadResult()
    kev_cves = {e.cve for e in kev}
    _store_records(records, result, kev_cves)
    _store_kev(kev, result)
    ledger_append(
        actor=actor,
        action=ProductAction.VULNS_LOAD,
        object_type="vulnerability",
        object_id="load",
        summary={"files": len(documents), **result.as_dict()},
    )
    schedule_rematch(actor=actor)  # every released release, in the background after the commit
    return result
