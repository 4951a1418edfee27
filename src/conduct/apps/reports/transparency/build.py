"""Build and publish a transparency report: gather -> figures -> files -> ledger entry + checkpoint -> signed
manifest. The files are written before the transaction (WeasyPrint takes a while and must not hold the write
lock); the publication, the checkpoint, the manifest and the Report row then commit together."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.models import Checkpoint, LedgerEntry
from conduct.apps.audit.selectors import latest_checkpoint
from conduct.apps.audit.services import (
    actor_label,
    checkpoint_create,
    checkpoint_dict,
    ledger_append,
    signing_keys,
)
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.reports.ledger_actions import ReportsAction
from conduct.apps.reports.models import Report, ReportState
from conduct.apps.reports.transparency import manifest as mf
from conduct.apps.reports.transparency.figures import Figures, compute_figures
from conduct.apps.reports.transparency.gather import report_inputs
from conduct.apps.reports.transparency.render import write_files


def reports_root() -> Path:
    configured = settings.CONDUCT.get("REPORTS_DIR")
    return Path(configured) if configured else Path(settings.CONDUCT_HOME) / "reports"


@dataclass(frozen=True)
class Built:
    report: Report
    directory: Path
    figures: Figures
    timings: dict[str, float]


def _check_out_dir(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Conflict(
            _("%(out)s is not an empty folder; a published report is never overwritten.") % {"out": out},
            code="not_empty",
        )


def build_report(
    *,
    actor: Actor,
    year: int,
    out: Path,
    report: Report | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Built:
    """Build the report for `year` into `out` (new or empty) and publish it. Raises ServiceError on bad
    input."""
    if not 2000 <= year <= timezone.localdate().year:
        raise Invalid(
            _("No report for that year."),
            fields={"year": _("A year from 2000 to %(year)s.") % {"year": timezone.localdate().year}},
        )
    _check_out_dir(out)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    progress(gettext_noop("Gathering the figures"))
    inputs = report_inputs(actor=actor, year=year)
    timings["gather"] = time.perf_counter() - started
    mark = time.perf_counter()
    figures = compute_figures(inputs)
    timings["figures"] = time.perf_counter() - mark
    out.mkdir(parents=True, exist_ok=True)
    try:
        mark = time.perf_counter()
        names = write_files(figures, out, progress=progress)
        private_pem, public_pem = signing_keys()
        (out / mf.PUBLIC_KEY).write_bytes(public_pem)
        names.append(mf.PUBLIC_KEY)
        timings["render"] = time.perf_counter() - mark
        mark = time.perf_counter()
        progress(gettext_noop("Signing and publishing"))
        report = _publish(
            actor=actor,
            year=year,
            out=out,
            names=names,
            report=report,
            private_pem=private_pem,
            figures=figures,
        )
        timings["publish"] = time.perf_counter() - mark
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    timings["total"] = time.perf_counter() - started
    Report.objects.filter(pk=report.pk).update(seconds=round(timings["total"], 3))
    return Built(report, out, figures, timings)


@transaction.atomic
def _publish(
    *,
    actor: Actor,
    year: int,
    out: Path,
    names: list[str],
    report: Report | None,
    private_pem: bytes,
    figures: Figures,
) -> Report:
    files = mf.file_entries(out, names)
    digest = mf.content_digest(files)
    if report is None:
        report = Report.objects.create(year=year, state=ReportState.BUILDING, requested_by=actor_label(actor))
    entry = ledger_append(
        actor=actor,
        action=ReportsAction.REPORT_PUBLISH,
        object_type="report",
        object_id=report.pk,
        summary={
            "year": year,
            "content_digest": digest,
            "files": len(files),
            "headline": dict(figures.headline),
        },
    )
    checkpoint = checkpoint_create(actor=actor, reason=f"report {year}")
    manifest = _manifest(report, figures, files, digest, entry, checkpoint)
    data = mf.write_manifest(out, mf.sign_manifest(manifest, private_pem))
    manifest_sha = hashlib.sha256(data).hexdigest()
    report.state = ReportState.PUBLISHED
    report.progress = gettext_noop("Published")
    report.error = ""
    report.built_at = timezone.now()
    report.path = str(out)
    report.manifest_sha256 = manifest_sha
    report.files = files
    report.checkpoint = checkpoint
    report.publication_seq = entry.seq
    report.save()
    ledger_append(
        actor=actor,
        action=ReportsAction.REPORT_SEAL,
        object_type="report",
        object_id=report.pk,
        summary={
            "year": year,
            "manifest_sha256": manifest_sha,
            "checkpoint_seq": checkpoint.seq,
            "path": str(out),
        },
    )
    return report


def _manifest(
    report: Report,
    figures: Figures,
    files: list[dict[str, Any]],
    digest: str,
    entry: LedgerEntry,
    checkpoint: Checkpoint,
) -> dict[str, Any]:
    """The manifest to sign: the report, its files and their digest, the publication entry and checkpoint."""
    return {
        "format": mf.FORMAT,
        "format_version": mf.FORMAT_VERSION,
        "report": {
            "year": report.year,
            "organisation": figures.organisation,
            "id": report.pk,
            "generated_at": figures.generated_at.isoformat(),
            "as_of": figures.as_of.isoformat(),
        },
        "files": files,
        "content_digest": digest,
        "publication": {"seq": entry.seq, "hash": entry.hash, "action": "report.publish"},
        "checkpoint": {"type": "checkpoint", **checkpoint_dict(checkpoint)},
        # The latest signed checkpoint with its key's fingerprint, as published: a ledger cut after it is
        # found by `conduct audit verify --checkpoint` against this (see docs/audit-ledger.md).
        "published_checkpoint": latest_checkpoint(),
        "public_key": {"path": mf.PUBLIC_KEY, "key_id": checkpoint.key_id},
    }
