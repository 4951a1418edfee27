"""Scoped reads of vulnerability reports: the triage team and auditors read every report (they come from
outside and may name no product yet); a role without vulnreports.view gets 403, an unknown id 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize, scoped
from conduct.apps.errors import NotFound
from conduct.apps.products.models import VulnerabilityReport, VulnReportAttachment, VulnReportNote
from conduct.apps.products.services._disclosure import overdue_deadlines, overdue_q


def vulnreport_list(*, actor: Actor, state: str = "", overdue: bool = False) -> QuerySet[VulnerabilityReport]:
    authorize(actor, "vulnreports.view")
    rows = scoped(
        VulnerabilityReport.objects.select_related("product", "release"),
        actor,
        permission="vulnreports.view",
        global_model=True,
    )
    if state:
        rows = rows.filter(state=state)
    return rows.filter(overdue_q(timezone.now())) if overdue else rows


def vulnreport_get(*, actor: Actor, vuln_report_id: int) -> VulnerabilityReport:
    found = vulnreport_list(actor=actor).filter(pk=vuln_report_id).first()
    if found is None:
        raise NotFound(_("No vulnerability report %(id)d.") % {"id": vuln_report_id})
    found.overdue = overdue_deadlines(found, timezone.now())  # type: ignore[attr-defined]
    return found


def vulnreport_notes(*, actor: Actor, report: VulnerabilityReport) -> QuerySet[VulnReportNote]:
    authorize(actor, "vulnreports.view")
    return VulnReportNote.objects.filter(report=report).order_by("at", "id")


def vulnreport_attachments(*, actor: Actor, report: VulnerabilityReport) -> QuerySet[VulnReportAttachment]:
    authorize(actor, "vulnreports.view")
    return VulnReportAttachment.objects.filter(report=report).defer("content")


def vulnreport_attachment(
    *, actor: Actor, report: VulnerabilityReport, vuln_file_id: int
) -> VulnReportAttachment:
    found = VulnReportAttachment.objects.filter(report=report, pk=vuln_file_id).first()
    authorize(actor, "vulnreports.view")
    if found is None:
        raise NotFound(_("No attachment %(id)d on this report.") % {"id": vuln_file_id})
    return found


def with_overdue(rows: Any) -> list[VulnerabilityReport]:
    """The rows with each one's missed deadlines (`overdue`) for the list pages and the API."""
    now = timezone.now()
    found = list(rows)
    for row in found:
        row.overdue = overdue_deadlines(row, now)
    return found
