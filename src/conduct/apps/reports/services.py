"""Writes of the reports app: request a transparency report (built by a background task) and record a failed
build (in `building`, run by the task). The risk register's writes are in `risks`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.reports.building import report_build_queued
from conduct.apps.reports.ledger_actions import ReportsAction
from conduct.apps.reports.models import Report, ReportState
from conduct.apps.reports.risks import risk_create, risk_link, risk_update
from conduct.apps.reports.tasks import build_report_task

__all__ = ["report_build_queued", "report_request", "risk_create", "risk_link", "risk_update"]


@transaction.atomic
def report_request(*, actor: Actor, year: int) -> Report:
    """Queue a build of the `year` report; the `build_report` task does the work and shows its progress."""
    authorize(actor, "reports.build")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year:
        raise Invalid(
            _("No report for that year."), fields={"year": _("A year from 2000 to %(y)s.") % {"y": this_year}}
        )
    if Report.objects.filter(year=year, state__in=[ReportState.QUEUED, ReportState.BUILDING]).exists():
        raise Conflict(
            _("A %(year)s report is already being built.") % {"year": year}, code="build_in_progress"
        )
    report = Report.objects.create(
        year=year, requested_by=actor_label(actor), progress=gettext_noop("Waiting for the worker")
    )
    ledger_append(
        actor=actor,
        action=ReportsAction.REPORT_REQUEST,
        object_type="report",
        object_id=report.pk,
        summary={"year": year},
    )
    build_report_task.enqueue(report.pk)
    return report
