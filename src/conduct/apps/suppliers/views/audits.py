"""Audits and their findings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import (
    exporting,
    forms,
    selectors,
    services,
)
from conduct.apps.suppliers.models import (
    AuditKind,
    Severity,
)
from conduct.apps.suppliers.paging import CappedPage
from conduct.apps.suppliers.views._common import (
    PAGE_SIZE,
    choice_param,
    detail_page,
    export_if_asked,
    form_errors,
    int_param,
    post_on_supplier,
    query_string,
)


@login_required
@require_POST
def audit_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = post_on_supplier(request, supplier_id, "audits.record")
    form = forms.AuditForm(request.POST, prefix="audit")
    if form.is_valid():
        try:
            audit = services.audit_create(actor=actor, supplier=supplier, **form.cleaned_data)
            messages.success(request, _("Audit recorded; add its findings."))
            return redirect("supplier-audit", audit_id=audit.pk)
        except ServiceError as exc:
            form_errors(form, exc)
    return detail_page(request, supplier, audit_form=form, status=422)


@login_required
@require_GET
def audit_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    kind = choice_param(request.GET.get("kind"), AuditKind.values, "Kind", errors)
    supplier = int_param(request.GET.get("supplier"), "Supplier", errors)
    audits = selectors.audit_index(actor=actor, kind=kind, supplier=supplier, staff=True)
    exported = export_if_asked(request, "audits", exporting.AUDIT_COLUMNS, audits)
    if exported is not None:
        return exported
    page = CappedPage(audits, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "suppliers/audits.html",
        {
            "page": page,
            "errors": errors,
            "filters": request.GET,
            "query": query_string(request),
            "kinds": AuditKind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_detail_view(request: HttpRequest, audit_id: int) -> HttpResponse:
    actor = request_actor(request)
    permission = "audits.record" if request.method == "POST" else "suppliers.view"
    audit = selectors.audit_for(actor=actor, audit_id=audit_id, permission=permission)
    form = forms.FindingForm(request.POST or None)  # shown to `audits.record` (may)
    status = 200
    if request.method == "POST":
        assert form is not None
        if form.is_valid():
            try:
                services.finding_add(actor=actor, audit=audit, **form.cleaned_data)
                messages.success(request, _("Finding added; give it a corrective action plan."))
                return redirect("supplier-audit", audit_id=audit.pk)
            except ServiceError as exc:
                form_errors(form, exc)
        status = 422
    findings = list(audit.findings.select_related("action").order_by("id"))
    for finding in findings:
        finding.plan = getattr(finding, "action", None)  # type: ignore[attr-defined]
    return render(
        request,
        "suppliers/audit.html",
        {
            "audit": audit,
            "findings": findings,
            "form": form,
            "action_form": forms.ActionForm(prefix="cap"),
            "severities": Severity.choices,
        },
        status=status,
    )
