"""Pages of the catalog: browse and search the framework library, keep controls, run assessments, see
coverage."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.selectors import orgunit_list
from conduct.apps.catalog import exports, selectors, services
from conduct.apps.catalog.forms import int_or_none, urns_from
from conduct.apps.catalog.models import AssessmentScope, Control, ControlDimension, EvidenceKind, ResultStatus
from conduct.apps.errors import Invalid, ServiceError, raise_if
from conduct.core.catalog import Dimension
from conduct.events.reports import visible_risk_codes


def _json_download(data: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _code_labels() -> dict[str, list[tuple[str, str]]]:
    """A framework's kind and a paraphrase's confidence, named in the reader's language (the reference data
    holds only the codes)."""
    return {
        "kinds": [("law", _("law")), ("standard", _("standard")), ("guidance", _("guidance"))],
        "confidences": [("high", _("high")), ("medium", _("medium")), ("low", _("low"))],
    }


@login_required
def library_view(request: HttpRequest) -> HttpResponse:
    """The frameworks and a search over every requirement (HTMX swaps in the results as you type)."""
    actor = request_actor(request)
    lib = selectors.library(actor=actor)
    q = request.GET.get("q", "").strip()
    framework = request.GET.get("framework") or None
    dimension = request.GET.get("dimension") or None
    errors: dict[str, str] = {}
    results: tuple[Any, ...] = ()
    searching = bool(q or framework or dimension)
    if searching:
        try:
            results = selectors.requirement_search(actor=actor, q=q, framework=framework, dimension=dimension)
        except Invalid as exc:
            errors = exc.fields
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    context = {
        "library": lib,
        "frameworks": lib.frameworks,
        "page": page,
        "searching": searching,
        "errors": errors,
        "filters": request.GET,
        "dimensions": [d.value for d in Dimension],
        "total": len(results),
        "versions": selectors.library_versions(actor=actor)[:5],
        **_code_labels(),
    }
    template = "catalog/_requirement_rows.html" if request.htmx else "catalog/library.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def framework_view(request: HttpRequest, framework_slug: str) -> HttpResponse:
    framework = selectors.framework_get(actor=request_actor(request), slug=framework_slug)
    return render(request, "catalog/framework.html", {"framework": framework, **_code_labels()})


@login_required
def framework_oscal_view(request: HttpRequest, framework_slug: str) -> HttpResponse:
    data = exports.framework_oscal(actor=request_actor(request), slug=framework_slug)
    return _json_download(data, f"{framework_slug}.oscal-catalog.json")


@login_required
def requirement_view(request: HttpRequest, urn: str) -> HttpResponse:
    detail = selectors.requirement_get(actor=request_actor(request), urn=urn)
    return render(
        request, "catalog/requirement.html", {"detail": detail, "r": detail.requirement, **_code_labels()}
    )


# --- controls -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def controls_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    fields: dict[str, str] = {}
    status = 200
    if request.method == "POST":  # the service authorizes, then resolves the unit and the owner named
        try:
            control = services.control_create(
                actor=actor,
                code=request.POST.get("code", ""),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                dimension=request.POST.get("dimension", ""),
                org_unit=request.POST.get("org_unit"),
                owner=request.POST.get("owner"),
                urns=urns_from(request.POST.get("requirements")),
            )
            messages.success(request, _("Control %(code)s created.") % {"code": control.code})
            return redirect("catalog-control", control_code=control.code)
        except ServiceError as exc:
            fields, status = exc.fields, exc.status
    filters = selectors.ControlFilters(
        q=request.GET.get("q") or None, dimension=request.GET.get("dimension") or None
    )
    context = {
        "controls": selectors.control_list(actor=actor, filters=filters),
        "fields": fields,
        "form": request.POST,
        "dimensions": ControlDimension.choices,
        "units": orgunit_list(actor=actor),
        "filters": request.GET,
    }
    return render(request, "catalog/controls.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def control_view(request: HttpRequest, control_code: str) -> HttpResponse:
    actor = request_actor(request)
    control = selectors.control_get(actor=actor, code=control_code)
    fields: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        changes: dict[str, Any] = {
            "title": request.POST.get("title", control.title),
            "description": request.POST.get("description", control.description),
            "is_active": request.POST.get("is_active") == "on",
        }
        if request.POST.get("owner") is not None:
            changes["owner"] = request.POST.get("owner")
        try:
            services.control_update(
                actor=actor, control=control, urns=urns_from(request.POST.get("requirements")), **changes
            )
            messages.success(request, _("Control saved."))
            return redirect("catalog-control", control_code=control.code)
        except ServiceError as exc:
            fields, status = exc.fields, exc.status
    lib = selectors.library(actor=actor)
    requirements = [(urn, lib.get(urn)) for urn in control.urns]
    context = {
        "control": control,
        "requirements": requirements,
        "fields": fields,
        "risks": _visible_risks(actor, control),
    }
    return render(request, "catalog/control.html", context, status=status)


def _visible_risks(actor: User, control: Control) -> list[Any]:
    """The control's risks whose pages the viewer may open: a risk outside their units is not named."""
    risks = list(control.risks.all())
    visible = visible_risk_codes(actor=actor, codes=[r.code for r in risks]) if risks else set()
    return [r for r in risks if r.code in visible]


# --- assessments ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessments_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    fields: dict[str, str] = {}
    status = 200
    if request.method == "POST":  # the service authorizes, then resolves the unit and the supplier named
        try:
            assessment = services.assessment_create(
                actor=actor,
                framework=request.POST.get("framework", ""),
                scope_kind=request.POST.get("scope_kind", ""),
                title=request.POST.get("title", ""),
                org_unit=request.POST.get("org_unit") or None,
                supplier=request.POST.get("supplier") or None,
                product=request.POST.get("product", ""),
            )
            return redirect("catalog-assessment", assessment_id=assessment.pk)
        except ServiceError as exc:
            fields, status = exc.fields, exc.status
    page = Paginator(selectors.assessment_list(actor=actor), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "fields": fields,
        "form": request.POST,
        "scopes": AssessmentScope.choices,
        "frameworks": selectors.library(actor=actor).frameworks,
        "units": orgunit_list(actor=actor),
    }
    return render(request, "catalog/assessments.html", context, status=status)


def _assessment_context(actor: User, assessment: Any) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "rows": selectors.assessment_rows(actor=actor, assessment=assessment),
        "summary": selectors.assessment_summary(assessment),
        "statuses": ResultStatus.choices,
        "evidence_kinds": EvidenceKind.choices,
        "is_open": assessment.status == "open",
    }


@login_required
def assessment_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = request_actor(request)
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    return render(request, "catalog/assessment.html", _assessment_context(actor, assessment))


@login_required
@require_POST
def assessment_result_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = request_actor(request)
    assessment = services.assessment_for_change(actor=actor, assessment_id=assessment_id)
    urn = request.POST.get("urn", "")
    try:
        services.result_record(
            actor=actor,
            assessment=assessment,
            urn=urn,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponse(
                f'<p class="error" role="alert">{"; ".join(exc.fields.values()) or exc.message}</p>',
                status=exc.status,
            )
        messages.error(request, f"{urn}: {'; '.join(exc.fields.values()) or exc.message}")
    return redirect(f"/catalog/assessments/{assessment.pk}/#req-{urn}")


@login_required
@require_POST
def assessment_evidence_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = request_actor(request)
    assessment = services.assessment_for_change(actor=actor, assessment_id=assessment_id)
    urn = request.POST.get("urn", "")
    result = assessment.results.filter(urn=urn).first()
    errors: dict[str, str] = {}
    try:
        if result is None:
            raise Invalid(
                _("Record a status first."), fields={"urn": _("Record a status for this requirement first.")}
            )
        upload = request.FILES.get("file")
        ref = int_or_none(request.POST.get("record"), "record", errors)
        raise_if(errors, _("The evidence is not valid."))
        kind = request.POST.get("kind", "")
        services.evidence_add(
            actor=actor,
            result=result,
            kind=kind,
            title=request.POST.get("title", ""),
            url=request.POST.get("url", ""),
            content=upload.read() if upload else None,
            filename=upload.name if upload else "",
            gate_decision_id=ref if kind == EvidenceKind.GATE_DECISION else None,
            audit_id=ref if kind == EvidenceKind.AUDIT else None,
            certificate_id=ref if kind == EvidenceKind.CERTIFICATE else None,
        )
        messages.success(request, _("Evidence added to %(urn)s.") % {"urn": urn})
    except ServiceError as exc:
        messages.error(request, f"{urn}: {'; '.join(exc.fields.values()) or exc.message}")
    return redirect(f"/catalog/assessments/{assessment.pk}/#req-{urn}")


@login_required
@require_POST
def assessment_complete_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = request_actor(request)
    assessment = services.assessment_for_change(actor=actor, assessment_id=assessment_id)
    services.assessment_complete(actor=actor, assessment=assessment)
    messages.success(request, _("Assessment completed."))
    return redirect("catalog-assessment", assessment_id=assessment.pk)


@login_required
def assessment_oscal_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = request_actor(request)
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    return _json_download(
        exports.assessment_oscal(actor=actor, assessment=assessment),
        f"assessment-{assessment.pk}.oscal-assessment-results.json",
    )


@login_required
def coverage_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cov = selectors.coverage(actor=actor)
    statuses = [*ResultStatus.choices, ("not_assessed", _("Not assessed"))]
    return render(request, "catalog/coverage.html", {"coverage": cov, "statuses": statuses})
