"""Pages: the risk register with its heat map, a risk with its links, and the transparency reports (list,
build, progress, and the published files)."""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.selectors import orgunit_list, orgunits_by_ids
from conduct.apps.catalog.selectors import control_list
from conduct.apps.errors import Forbidden, Invalid, ServiceError
from conduct.apps.gates.selectors import decision_list
from conduct.apps.governance.models import HumanRight
from conduct.apps.governance.selectors import case_list
from conduct.apps.reports import selectors, services
from conduct.apps.reports.evidence import evidence_export
from conduct.apps.reports.models import LinkKind, ReportState, RiskDimension
from conduct.apps.reports.transparency import charts
from conduct.apps.reports.transparency.gather import latest_data_year
from conduct.apps.workforce.selectors import sites_under


def _rights() -> list[tuple[str, str]]:
    return list(HumanRight.choices)


def _risk_fields(actor: User, post: Any, errors: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: post.get(name, "")
        for name in (
            "title",
            "description",
            "dimension",
            "people_affected",
            "scale",
            "scope",
            "irremediability",
            "likelihood",
            "residual_likelihood",
        )
    }
    fields["rights"] = post.getlist("rights")
    fields["scope_products"] = [p.strip() for p in post.get("scope_products", "").splitlines() if p.strip()]
    codes = [c.strip() for c in post.get("controls", "").replace(",", " ").split() if c.strip()]
    controls = list(control_list(actor=actor).filter(code__in=codes))
    missing = sorted(set(codes) - {c.code for c in controls})
    if missing:
        errors["controls"] = _("No control %(c)r.") % {"c": missing[0]}
    fields["controls"] = controls
    fields["scope_units"] = orgunits_by_ids(actor=actor, ids=post.getlist("scope_units"))
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def risk_register_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    risks = selectors.risk_index(
        actor=actor, filters=selectors.RiskFilters(dimension=request.GET.get("dimension") or None)
    )
    fields: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        errors: dict[str, str] = {}
        units = selectors.risk_units(actor=actor, ids=[request.POST.get("org_unit", "")])
        unit = units[0] if units else None
        if unit is None:
            errors["org_unit"] = _("Choose an org unit you can see.")
        data = _risk_fields(actor, request.POST, errors)
        try:
            if errors:
                raise Invalid(_("The risk is not valid."), fields=errors)
            assert unit is not None
            risk = services.risk_create(actor=actor, code=request.POST.get("code", ""), org_unit=unit, **data)
            messages.success(request, _("Risk %(code)s added to the register.") % {"code": risk.code})
            return redirect("risk", risk_code=risk.code)
        except ServiceError as exc:
            fields, status = exc.fields, exc.status
    residual = request.GET.get("view") == "residual"
    grid = selectors.risk_heatmap(actor=actor, residual=residual)
    cells = [
        [
            {"severity": c.severity, "likelihood": c.likelihood, "band": c.band, "count": len(c.risks)}
            for c in row
        ]
        for row in grid
    ]
    title = (
        _("Salient risks by severity and residual likelihood")
        if residual
        else _("Salient risks by severity and inherent likelihood")
    )
    svg = charts.heatmap_chart("risk-heatmap", title, cells)
    context = {
        "risks": risks.prefetch_related("controls"),
        "grid": grid,
        "svg": svg,
        "residual": residual,
        "fields": fields,
        "form": request.POST,
        "dimensions": RiskDimension.choices,
        "rights": _rights(),
        "units": orgunit_list(actor=actor),
        "filters": request.GET,
        "ratings": range(1, 6),
    }
    return render(request, "reports/risks.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def risk_view(request: HttpRequest, risk_code: str) -> HttpResponse:
    actor = request_actor(request)
    then = "risks.manage" if request.method == "POST" else None
    risk = selectors.risk_for(actor=actor, code=risk_code, then=then)
    fields: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        errors: dict[str, str] = {}
        data = _risk_fields(actor, request.POST, errors)
        try:
            if errors:
                raise Invalid(_("The risk is not valid."), fields=errors)
            services.risk_update(actor=actor, risk=risk, **data)
            messages.success(request, _("Risk saved."))
            return redirect("risk", risk_code=risk.code)
        except ServiceError as exc:
            fields, status = exc.fields, exc.status
    links = list(selectors.risk_links(actor=actor, risk=risk))
    context = {
        "risk": risk,
        "links": links,
        "own_sites": sites_under(actor=actor, units=risk.scope_units.all())
        if risk.dimension == RiskDimension.LABOUR
        else [],
        # A linked record is a link only where its page answers the viewer (a risk can be seen more widely).
        "open_cases": set(
            case_list(actor=actor)
            .filter(pk__in=[link.case_id for link in links])
            .values_list("pk", flat=True)
        ),
        "open_decisions": set(
            decision_list(actor=actor)
            .filter(pk__in=[link.gate_decision_id for link in links])
            .values_list("pk", flat=True)
        ),
        "fields": fields,
        "link_kinds": LinkKind.choices,
        "dimensions": RiskDimension.choices,
        "rights": _rights(),
        "units": orgunit_list(actor=actor),
        "ratings": range(1, 6),
        "scope_unit_ids": set(risk.scope_units.values_list("pk", flat=True)),
        "control_codes": " ".join(c.code for c in risk.controls.all()),
    }
    return render(request, "reports/risk.html", context, status=status)


@login_required
@require_POST
def risk_link_view(request: HttpRequest, risk_code: str) -> HttpResponse:
    actor = request_actor(request)
    risk = selectors.risk_for(actor=actor, code=risk_code, permission="risks.link")
    target = request.POST.get("id", "")
    try:
        if not target.isdigit():
            raise Invalid(_("Give the record's number."), fields={"id": _("A number.")})
        services.risk_link(
            actor=actor,
            risk=risk,
            kind=request.POST.get("kind", ""),
            target_id=int(target),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Linked."))
    except ServiceError as exc:
        messages.error(request, "; ".join(exc.fields.values()) or exc.message)
    return redirect("risk", risk_code=risk.code)


# --- transparency reports ---------------------------------------------------------------------------


@login_required
def report_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    this_year = timezone.localdate().year
    context = {
        "reports": selectors.report_list(actor=actor)[:50],
        "years": range(this_year, this_year - 6, -1),
        "default_year": latest_data_year(),
    }
    return render(request, "reports/reports.html", context)


@login_required
@require_POST
def report_build_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    year = request.POST.get("year", "")
    try:  # the service checks reports.build before the year
        report = services.report_request(actor=actor, year=int(year) if year.isdigit() else -1)
    except Forbidden:
        raise  # a role that may not build reports gets the 403 page, not a message
    except ServiceError as exc:
        messages.error(request, "; ".join(exc.fields.values()) or exc.message)
        return redirect("reports")
    return redirect("report", report_id=report.pk)


@login_required
def report_view(request: HttpRequest, report_id: int) -> HttpResponse:
    """The build's state; while it is queued or building, HTMX polls this page's status block."""
    actor = request_actor(request)
    report = selectors.report_get(actor=actor, report_id=report_id)
    context = {"report": report, "done": report.state in (ReportState.PUBLISHED, ReportState.FAILED)}
    template = "reports/_report_status.html" if request.htmx else "reports/report.html"
    return render(request, template, context)


@login_required
def report_file_view(request: HttpRequest, report_id: int, file_name: str) -> FileResponse:
    """A file of a published report, only those its manifest lists (and the manifest itself)."""
    actor = request_actor(request)
    report = selectors.report_get(actor=actor, report_id=report_id)
    listed = {entry["path"] for entry in report.files} | {"manifest.json"}
    if report.state != ReportState.PUBLISHED or file_name not in listed:
        raise Http404("No such file in this report.")
    path = Path(report.path) / file_name
    if not path.is_file():
        raise Http404("The report's files are no longer there.")
    content_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    if file_name.endswith(".csv"):
        content_type = "text/csv; charset=utf-8"
    response = FileResponse(path.open("rb"), content_type=content_type)
    if not file_name.endswith((".html", ".svg")):
        response["Content-Disposition"] = f'attachment; filename="{report.year}-{Path(file_name).name}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
    return response


def _ids(values: list[str], field: str, errors: dict[str, str]) -> list[int]:
    ids = []
    for value in values:
        for part in value.replace(",", " ").split():
            if part.isdigit() and 1 <= int(part) <= 2**63 - 1:
                ids.append(int(part))
            else:
                errors[field] = _("%(v)s is not a record id.") % {"v": part[:40]}
    return ids


def _day(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = _("Expected a date YYYY-MM-DD.")
        return None


@login_required
@require_http_methods(["GET", "POST"])
def evidence_view(request: HttpRequest) -> HttpResponse:
    """Choose cases and gate decisions (or a date range) and download a signed evidence bundle."""
    actor = request_actor(request)
    cases, decisions = selectors.evidence_choices(actor=actor)  # 403 for a role that may not export
    errors: dict[str, str] = {}
    if request.method == "POST":
        date_from = _day(request.POST.get("from", ""), "from", errors)
        date_to = _day(request.POST.get("to", ""), "to", errors)
        case_ids = _ids(request.POST.getlist("case"), "case", errors)
        decision_ids = _ids(request.POST.getlist("gate_decision"), "gate_decision", errors)
        if not errors:
            try:
                bundle = evidence_export(
                    actor=actor,
                    date_from=date_from,
                    date_to=date_to,
                    case_ids=case_ids,
                    gate_decision_ids=decision_ids,
                )
            except Forbidden:
                raise
            except ServiceError as exc:
                errors = dict(exc.fields) or {"": exc.message}
            else:
                response = HttpResponse(bundle.data, content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
                return response
    context = {"cases": cases, "decisions": decisions, "errors": errors, "form": request.POST}
    return render(request, "reports/evidence.html", context, status=422 if errors else 200)
