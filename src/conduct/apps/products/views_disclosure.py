"""The triage pages of coordinated vulnerability disclosure (mounted under /products/vulnerability-reports/):
the list (by state, overdue), a report with its notes, files and deadlines, transitions and notes.
Permissions are checked by the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Conflict, Invalid, ServiceError
from conduct.apps.products import selectors_disclosure as selectors
from conduct.apps.products.models import VulnReportState, VulnReportVerdict
from conduct.apps.products.responses import attachment_response
from conduct.apps.products.services._disclosure import TRANSITIONS
from conduct.apps.products.services.disclosure_triage import Triage, vulnreport_note, vulnreport_transition


def _problem(exc: ServiceError) -> str:
    return " ".join([exc.message, *(f"{k}: {v}" for k, v in sorted(exc.fields.items()))])


@login_required
def reports_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    state = request.GET.get("state", "")
    state = state if state in VulnReportState.values else ""
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.vulnreport_list(actor=actor, state=state, overdue=overdue)
    context = {
        "reports": selectors.with_overdue(rows[:500]),
        "state": state,
        "overdue": overdue,
        "states": VulnReportState.choices,
    }
    return render(request, "products/disclosure/index.html", context)


@login_required
def report_view(request: HttpRequest, vuln_report_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    context = {
        "report": found,
        "notes": selectors.vulnreport_notes(actor=actor, report=found),
        "files": selectors.vulnreport_attachments(actor=actor, report=found),
        "next_states": [(v, label) for v, label in VulnReportState.choices if v in TRANSITIONS[found.state]],
        "verdicts": VulnReportVerdict.choices,
    }
    return render(request, "products/disclosure/detail.html", context)


def _cvss(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return -1.0  # refused by the service, naming the field


@login_required
@require_POST
def transition_view(request: HttpRequest, vuln_report_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    post = request.POST
    triage = Triage(
        verdict=post.get("verdict", "")[:10],
        duplicate_of=post.get("duplicate_of", "")[:40],
        product=post.get("product", "")[:100],
        version=post.get("version", "")[:100],
        cve=post.get("cve", "")[:64],
        cvss=_cvss(post.get("cvss", "")[:10]),
    )
    try:
        vulnreport_transition(
            actor=actor,
            report=found,
            to=post.get("to", "")[:20],
            note=post.get("note", "")[:10_000],
            to_reporter=post.get("to_reporter") == "1",
            triage=triage,
        )
        messages.success(request, _("The report was moved on."))
    except (Invalid, Conflict) as exc:  # a refusal (403) or a lost report (404) answers as such
        messages.error(request, _problem(exc))
    return redirect("vulnerability-report", vuln_report_id=found.pk)


@login_required
@require_POST
def note_view(request: HttpRequest, vuln_report_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    try:
        vulnreport_note(
            actor=actor,
            report=found,
            body=request.POST.get("body", "")[:10_000],
            to_reporter=request.POST.get("to_reporter") == "1",
        )
        messages.success(request, _("Note recorded."))
    except (Invalid, Conflict) as exc:  # a refusal (403) or a lost report (404) answers as such
        messages.error(request, _problem(exc))
    return redirect("vulnerability-report", vuln_report_id=found.pk)


@login_required
def attachment_view(request: HttpRequest, vuln_report_id: int, vuln_file_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    file = selectors.vulnreport_attachment(actor=actor, report=found, vuln_file_id=vuln_file_id)
    return attachment_response(file.name, bytes(file.content))
