"""Pages of the company's own operations (mounted at /workforce/): the sites with the working-time check and
the injury rates, one site with its certificates, audits, findings and corrective actions, its weekly
working-time chart and its incidents. Permissions are checked by the selectors and services these call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.workforce import charts, selectors, services
from conduct.apps.workforce.models import IncidentKind, IncidentSeverity, SiteKind
from conduct.events import suppliers as records


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "sites": selectors.site_list(actor=actor)[:500],
        "rates": selectors.safety_rates(actor=actor),
        "imports": selectors.hours_imports(actor=actor),
        "kinds": SiteKind.choices,
        "units": selectors.site_unit_choices(actor=actor),
    }
    return render(request, "workforce/index.html", context)


@login_required
@require_POST
def site_new_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    unit = OrgUnit.objects.filter(code=request.POST.get("org_unit", "")).first()
    try:
        if unit is None:
            raise Invalid(_("The site is not valid."), fields={"org_unit": _("Choose an org unit.")})
        headcount = request.POST.get("headcount", "0").strip()
        site = services.site_create(
            actor=actor,
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            org_unit=unit,
            country=request.POST.get("country", ""),
            headcount=int(headcount) if headcount.isdigit() else -1,
        )
    except (Invalid, Conflict) as exc:  # a refusal (403) is answered as one
        messages.error(request, exc.one_line())
        return redirect("workforce")
    messages.success(request, _("Site %(code)s added.") % {"code": site.code})
    return redirect("workforce-site", own_site_id=site.pk)


@login_required
@require_http_methods(["POST"])
def hours_import_view(request: HttpRequest) -> HttpResponse:
    """A working-time CSV: checked and reported; stored only when `commit` is ticked (all or nothing)."""
    actor = request_actor(request)
    upload = request.FILES.get("file")
    try:
        text = upload.read().decode("utf-8-sig") if upload else ""
    except UnicodeDecodeError:
        text = "\x00"
    try:
        report = services.hours_import(
            actor=actor,
            text=text,
            commit=request.POST.get("commit") == "on",
            file_name=upload.name if upload else "",
        )
    except Invalid as exc:
        return render(request, "workforce/hours_report.html", {"error": exc}, status=exc.status)
    return render(request, "workforce/hours_report.html", {"report": report})


@login_required
def site_view(request: HttpRequest, own_site_id: int) -> HttpResponse:
    actor = request_actor(request)
    site = selectors.site_get(actor=actor, site_id=own_site_id)
    series = selectors.hours_series(site=site)
    context: dict[str, Any] = {
        "site": site,
        "records": records.own_site_records(actor=actor, site_id=site.pk),
        "series": series,
        "share_chart": charts.line_svg(
            [(p.week_start.isoformat(), p.compliant_share * 100) for p in series],
            title=_("Compliant worker-weeks (%)"),
            top=100.0,
        ),
        "overtime_chart": charts.line_svg(
            [(p.week_start.isoformat(), p.average_overtime) for p in series],
            title=_("Average overtime (hours)"),
        ),
        "incidents": selectors.incident_list(actor=actor, site=site)[:100],
        "rates": selectors.safety_rates(actor=actor, site=site),
        "kinds": IncidentKind.choices,
        "severities": IncidentSeverity.choices,
    }
    return render(request, "workforce/site.html", context)


@login_required
@require_POST
def incident_new_view(request: HttpRequest, own_site_id: int) -> HttpResponse:
    actor = request_actor(request)
    site = selectors.site_get(actor=actor, site_id=own_site_id)
    lost = request.POST.get("lost_days", "0").strip() or "0"
    try:
        services.incident_record(
            actor=actor,
            site=site,
            kind=request.POST.get("kind", ""),
            severity=request.POST.get("severity", ""),
            date=request.POST.get("date", ""),
            description=request.POST.get("description", ""),
            lost_days=int(lost) if lost.isdigit() else -1,
        )
        messages.success(request, _("Incident recorded."))
    except Invalid as exc:
        messages.error(request, exc.one_line())
    return redirect("workforce-site", own_site_id=site.pk)


@login_required
@require_POST
def hours_worked_view(request: HttpRequest, own_site_id: int) -> HttpResponse:
    actor = request_actor(request)
    site = selectors.site_get(actor=actor, site_id=own_site_id)
    try:
        services.hours_worked_record(
            actor=actor, site=site, month=request.POST.get("month", ""), hours=request.POST.get("hours", "")
        )
        messages.success(request, _("Hours worked recorded."))
    except Invalid as exc:
        messages.error(request, exc.one_line())
    return redirect("workforce-site", own_site_id=site.pk)
