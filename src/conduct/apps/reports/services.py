"""Writes of the reports app: request a transparency report (built by a background task) and record a failed
build. The risk register's writes are in `risks`."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Conflict, Invalid, ServiceError
from conduct.apps.reports.models import Report, ReportState
from conduct.apps.reports.risks import risk_create, risk_link, risk_update

__all__ = ["report_build_queued", "report_request", "risk_create", "risk_link", "risk_update"]
log = logging.getLogger("conduct.reports")


@transaction.atomic
def report_request(*, actor: User | None, year: int) -> Report:
    """Queue a build of the `year` report; the `build_report` task does the work and shows its progress."""
    if actor is not None:
        require(actor, "reports.build")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year:
        raise Invalid("No report for that year.", fields={"year": f"A year from 2000 to {this_year}."})
    if Report.objects.filter(year=year, state__in=[ReportState.QUEUED, ReportState.BUILDING]).exists():
        raise Conflict(f"A {year} report is already being built.", code="build_in_progress")
    report = Report.objects.create(
        year=year, requested_by=actor_label(actor), progress="Waiting for the worker"
    )
    ledger_append(
        actor=actor,
        action="report.request",
        object_type="report",
        object_id=report.pk,
        summary={"year": year},
    )
    from conduct.apps.reports.tasks import build_report_task

    build_report_task.enqueue(report.pk)
    return report


def _progress(report_id: int) -> object:
    def update(text: str) -> None:
        Report.objects.filter(pk=report_id).update(progress=text[:200])

    return update


def report_build_queued(*, report_id: int) -> str:
    """Run by the task: build the queued report into CONDUCT_HOME/reports/<year>-<id>; a failure is recorded on
    the row (and ledgered) rather than lost in the worker's log."""
    from conduct.apps.reports.transparency.build import build_report, reports_root

    report = Report.objects.filter(pk=report_id, state=ReportState.QUEUED).first()
    if report is None:
        return "nothing to do"
    Report.objects.filter(pk=report.pk).update(state=ReportState.BUILDING, progress="Starting")
    report.state = ReportState.BUILDING
    actor = _requester(report)
    out = Path(reports_root()) / f"{report.year}-{report.pk}"
    try:
        build_report(actor=actor, year=report.year, out=out, report=report, progress=_progress(report.pk))  # type: ignore[arg-type]
    except Exception as exc:
        message = exc.message if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, ServiceError):
            log.exception("report build failed", extra={"report": report.pk})
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(
                state=ReportState.FAILED, error=message[:2000], progress="Failed"
            )
            ledger_append(
                actor=actor,
                action="report.fail",
                object_type="report",
                object_id=report.pk,
                summary={"year": report.year, "error": message[:500]},
            )
        return "failed"
    return "published"


def _requester(report: Report) -> User | None:
    # requested_by is "user:<id>:<username>" or a plain label (the system)
    parts = report.requested_by.split(":")
    if len(parts) == 3 and parts[0] == "user" and parts[1].isdigit():
        return User.objects.filter(pk=int(parts[1])).first()
    return None
