"""The public disclosure pages (no login): the policy at /security/ with the deadlines it commits to, the
report form at /security/report/ (the tracking reference is the answer) and the status page, where the
reference is posted, never put in a URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from conduct.apps.errors import ServiceError
from conduct.apps.products.services.disclosure_intake import Disclosure, vulnreport_status, vulnreport_submit

FIELDS = ("reporter_name", "reporter_email", "product", "version", "summary", "details")


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    policy = {
        "ack_days": settings.VULN_REPORT_ACK_DAYS,
        "update_days": settings.VULN_REPORT_UPDATE_DAYS,
        "fix_days": settings.VULN_REPORT_FIX_DAYS,
        "max_files": settings.VULN_REPORT_MAX_ATTACHMENTS,
        "max_bytes": settings.VULN_REPORT_MAX_ATTACHMENT_BYTES,
    }
    response = render(request, template, {**context, "policy": policy}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def policy_view(request: HttpRequest) -> HttpResponse:
    return _page(request, "products/disclosure/policy.html", {"contacts": settings.SECURITY_TXT_CONTACTS})


@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "products/disclosure/report.html", {"values": {}, "errors": {}})
    values = {name: request.POST.get(name, "") for name in FIELDS}
    files = [(f.name or "file", f.read()) for f in request.FILES.getlist("attachments")]
    try:
        row = vulnreport_submit(
            report=Disclosure(**values, attachments=files),
            client_address=str(request.META.get("REMOTE_ADDR", "")),
        )
    except ServiceError as exc:
        errors = exc.fields or {"": exc.message}
        return _page(
            request, "products/disclosure/report.html", {"values": values, "errors": errors}, exc.status
        )
    return _page(request, "products/disclosure/received.html", {"report": row})


@require_http_methods(["GET", "POST"])
def status_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "products/disclosure/status.html", {"status": None, "error": ""})
    try:
        found = vulnreport_status(reference=request.POST.get("reference", "")[:40])
    except ServiceError as exc:
        return _page(
            request, "products/disclosure/status.html", {"status": None, "error": exc.message}, exc.status
        )
    return _page(request, "products/disclosure/status.html", {"status": found, "error": ""})
