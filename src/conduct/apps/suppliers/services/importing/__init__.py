"""Importing suppliers, sites, certificates and relations from CSV or XLSX files, all-or-nothing.

`supplier_import(commit=False)` is the preview: it reads every file, reports every problem by file, row and
column, and changes nothing. With commit=True a clean set of files is written in one transaction (rows are
matched by external id, so importing the same files again updates and never duplicates); a set with any
problem writes nothing. What each file holds is read from its header (see data/templates/suppliers). One
ledger entry records the import: its counts, each file's SHA-256, and the state hash of every supplier and
certificate it created or changed (audit.reconcile reconciles them as if each had an entry). When it commits,
the suppliers it created or changed go through the "suppliers changed" pipeline
(services.pipeline.import_followup), queued as one task.

The work is split: reading (CSV and XLSX, with their limits), checking (every row into a Batch, problems by
file, row and column), writing (bulk inserts and executemany updates in batches).
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import LedgerItem, ledger_append_many
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import bulk, tasks
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.services.importing.checking import Checker
from conduct.apps.suppliers.services.importing.files import check_files
from conduct.apps.suppliers.services.importing.reading import ImportSource
from conduct.apps.suppliers.services.importing.report import ORDER, ImportReport, Problem
from conduct.apps.suppliers.services.importing.writing import write_batch

__all__ = ["ImportReport", "ImportSource", "Problem", "default_unit", "supplier_import"]


def default_unit(actor: Actor) -> OrgUnit | None:
    """Where new suppliers go unless the file or the caller says: the user's home unit, else the top unit."""
    if not isinstance(actor, SystemActor) and actor.home_unit_id:
        return actor.home_unit
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


def supplier_import(
    *,
    actor: Actor,
    sources: list[ImportSource],
    commit: bool = False,
    unit: OrgUnit | None = None,
    queue_followup: bool = True,
) -> ImportReport:
    """Check the files and, with commit=True and no problem anywhere, import all of them in one transaction.

    A committed import queues its follow-up (screening and one risk recompute) for when it commits; the CLI
    passes queue_followup=False and runs services.pipeline.import_followup itself."""
    started = time.perf_counter()
    authorize(actor, "suppliers.import")
    if not sources:
        raise Invalid(_("Choose at least one file to import."), fields={"file": _("Required.")})
    unit = unit or default_unit(actor)
    if unit is None:
        raise Invalid(
            _(
                "There is no org unit to put new suppliers in: set up the organisation first "
                "(conduct org init NAME --country CC)."
            ),
            fields={"org_unit": _("Required.")},
        )
    authorize(actor, "suppliers.import", unit=unit)
    report = ImportReport()
    with bulk.paused_gc():
        report = _import(actor, sources, commit, unit, report)
    if report.committed and queue_followup:
        changed = list(report.changed_suppliers)
        transaction.on_commit(lambda: tasks.import_followed.enqueue(changed))
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _import(
    actor: Actor, sources: list[ImportSource], commit: bool, unit: OrgUnit, report: ImportReport
) -> ImportReport:
    checker = Checker(actor, unit)
    check_files(sources, checker, report)
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
            written, report.changed_suppliers, covers = write_batch(checker, unit)
            report.counts = {k: {"rows": planned[k], **written[k]} for k in ORDER}
            summary = {
                "files": [
                    {"name": f.name, "sheet": f.sheet, "kind": f.kind, "rows": f.rows, "sha256": f.sha256}
                    for f in report.files
                ],
                "counts": report.counts,
                "org_unit": unit.code,
            }
            item = LedgerItem(  # the state of each supplier and certificate it wrote, from the values written
                action=SupplierAction.SUPPLIER_IMPORT,
                object_type="supplier_import",
                object_id=timezone.now().strftime("%Y%m%dT%H%M%S"),
                summary=summary,
                covers=covers,
            )
            ledger_append_many(actor=actor, items=[item])
        report.committed = True
    return report
