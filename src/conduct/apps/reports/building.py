"""Running a queued transparency report build (the background task's work): the report is built into
CONDUCT_HOME/reports/<year>-<id>; a failure is recorded on the row (and ledgered) rather than lost in the
worker's log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import SCHEDULER, Actor
from conduct.apps.accounts.models import User
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import ServiceError
from conduct.apps.reports.ledger_actions import ReportsAction
from conduct.apps.reports.models import Report, ReportState
from conduct.apps.reports.transparency.build import build_report, reports_root

log = logging.getLogger("conduct.reports")


def _progress(report_id: int) -> Callable[[str], None]:
    def update(text: str) -> None:
        Report.objects.filter(pk=report_id).update(progress=text[:200])

    return update


def report_build_queued(*, report_id: int) -> str:
    """Build the queued report `report_id` as the user who asked for it; "published", "failed" or "nothing to
    do" (the row is no longer queued)."""
    report = Report.objects.filter(pk=report_id, state=ReportState.QUEUED).first()
    if report is None:
        return "nothing to do"
    Report.objects.filter(pk=report.pk).update(state=ReportState.BUILDING, progress=gettext_noop("Starting"))
    report.state = ReportState.BUILDING
    actor = _requester(report)
    out = Path(reports_root()) / f"{report.year}-{report.pk}"
    try:
        with translation.override(_language(actor)):
            build_report(actor=actor, year=report.year, out=out, report=report, progress=_progress(report.pk))
    except Exception as exc:
        message = exc.message if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, ServiceError):
            log.exception("report build failed", extra={"report": report.pk})
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(
                state=ReportState.FAILED, error=message[:2000], progress=gettext_noop("Failed")
            )
            ledger_append(
                actor=actor,
                action=ReportsAction.REPORT_FAIL,
                object_type="report",
                object_id=report.pk,
                summary={"year": report.year, "error": message[:500]},
            )
        return "failed"
    return "published"


def _language(actor: Actor) -> str:
    """The language the report is built in: the requester's own choice, else the language active now."""
    return getattr(actor, "language", "") or translation.get_language() or settings.LANGUAGE_CODE


def _requester(report: Report) -> Actor:
    """The user who asked for the build (requested_by is "user:<id>:<username>"), else the scheduler."""
    parts = report.requested_by.split(":")
    if len(parts) == 3 and parts[0] == "user" and parts[1].isdigit():
        user = User.objects.filter(pk=int(parts[1])).first()
        if user is not None:
            return user
    return SCHEDULER
