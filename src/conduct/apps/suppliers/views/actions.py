"""Corrective actions: created on a finding, listed, worked, verified and closed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.audit.selectors import object_history
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import (
    exporting,
    forms,
    selectors,
    services,
)
from conduct.apps.suppliers.models import (
    ActionStatus,
    Severity,
)
from conduct.apps.suppliers.paging import CappedPage
from conduct.apps.suppliers.views._common import (
    PAGE_SIZE,
    choice_param,
    export_if_asked,
    form_errors,
    int_param,
    query_string,
)


@login_required
@require_POST
def action_create_view(request: HttpRequest, finding_id: int) -> HttpResponse:
    actor = request_actor(request)
    finding = selectors.finding_for(actor=actor, finding_id=finding_id, permission="audits.record")
    form = forms.ActionForm(request.POST, prefix="cap")
    if form.is_valid():
        try:
            services.action_create(actor=actor, finding=finding, **form.cleaned_data)
            messages.success(request, _("Corrective action plan recorded."))
            return redirect("supplier-audit", audit_id=finding.audit_id)
        except ServiceError as exc:
            form_errors(form, exc)
    messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
    return redirect("supplier-audit", audit_id=finding.audit_id)


def _action_filters(request: HttpRequest, errors: list[str]) -> selectors.ActionFilters:
    return selectors.ActionFilters(
        supplier=int_param(request.GET.get("supplier"), "Supplier", errors),
        org_unit=int_param(request.GET.get("org_unit"), "Org unit", errors),
        status=choice_param(request.GET.get("status"), ActionStatus.values, "Status", errors),
        severity=choice_param(request.GET.get("severity"), Severity.values, "Severity", errors),
        overdue=request.GET.get("overdue") == "1",
    )


@login_required
@require_GET
def action_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    plans = selectors.action_index(actor=actor, filters=_action_filters(request, errors), staff=True)
    exported = export_if_asked(request, "corrective-actions", exporting.ACTION_COLUMNS, plans)
    if exported is not None:
        return exported
    page = CappedPage(plans, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "suppliers/actions.html",
        {
            "page": page,
            "errors": errors,
            "filters": request.GET,
            "query": query_string(request),
            "statuses": ActionStatus.choices,
            "severities": Severity.choices,
            "units": accounts.orgunit_list(actor=actor),
            "by_unit": selectors.overdue_by_unit(actor=actor),
        },
    )


def action_work(request: HttpRequest, actor: User, plan: Any) -> tuple[forms.ActionWorkForm, int]:
    """Shared by the staff and portal pages: apply the work form, attach an evidence file. (form, status)."""
    form = forms.ActionWorkForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, 422
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k != "evidence_file"}
    if not actor.is_portal:
        for field in ("owner", "due_date"):
            if request.POST.get(field):
                data[field] = request.POST[field]
    try:
        with transaction.atomic():
            upload = form.cleaned_data.get("evidence_file")
            if upload is not None:
                services.action_attach_evidence(
                    actor=actor, plan=plan, content=upload.read(), filename=upload.name
                )
            services.action_update(actor=actor, plan=plan, **data)
    except ServiceError as exc:
        form_errors(form, exc)
        return form, exc.status
    messages.success(request, _("Corrective action updated."))
    return form, 302


@login_required
@require_http_methods(["GET", "POST"])
def action_detail_view(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = request_actor(request)
    permission = "actions.verify" if request.method == "POST" else "suppliers.view"
    plan = selectors.action_for(actor=actor, action_id=action_id, permission=permission)
    form = forms.ActionWorkForm(
        initial={"root_cause": plan.root_cause, "action": plan.action, "evidence": plan.evidence}
    )
    status = 200
    if request.method == "POST":
        form, status = action_work(request, actor, plan)
        if status == 302:
            return redirect("supplier-action", action_id=plan.pk)
    history = object_history(actor=actor, object_type="corrective_action", object_id=plan.pk)
    return render(
        request,
        "suppliers/action.html",
        {"plan": plan, "form": form, "history": history},
        status=status,
    )
