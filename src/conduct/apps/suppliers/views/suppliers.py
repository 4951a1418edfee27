"""The supplier list (filters, sorting, export), adding and editing a supplier, its page, onboarding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import (
    exporting,
    forms,
    selectors,
    services,
)
from conduct.apps.suppliers.models import (
    CertificateStatus,
    RiskBand,
    SupplierStatus,
)
from conduct.apps.suppliers.paging import CappedPage
from conduct.apps.suppliers.reference import CATEGORIES
from conduct.apps.suppliers.views._common import (
    PAGE_SIZE,
    choice_param,
    detail_page,
    export_if_asked,
    form_errors,
    int_param,
    portal_choice,
    post_on_supplier,
    query_string,
    service_errors,
    unit_choice,
)


def _supplier_filters(request: HttpRequest, errors: list[str]) -> tuple[selectors.SupplierFilters, str]:
    g = request.GET
    country = (g.get("country") or "").strip().upper() or None
    filters = selectors.SupplierFilters(
        q=(g.get("q") or "").strip()[:100] or None,
        risk_band=choice_param(g.get("risk_band"), RiskBand.values, "Risk band", errors),
        country=country,
        category=choice_param(g.get("category"), CATEGORIES, "Category", errors),
        certificate_status=choice_param(
            g.get("certificate_status"), selectors.CERTIFICATE_FILTERS, "Certificates", errors
        ),
        tier=int_param(g.get("tier"), "Tier", errors),
        status=choice_param(g.get("status"), SupplierStatus.values, "Status", errors),
        org_unit=int_param(g.get("org_unit"), "Org unit", errors),
        overdue_actions=g.get("overdue") == "1",
    )
    sort = g.get("sort") or "name"
    if sort not in selectors.SUPPLIER_SORTS:
        errors.append(f"Sort: {sort!r} is not a column to sort by.")
        sort = "name"
    return filters, sort


@login_required
def supplier_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    filters, sort = _supplier_filters(request, errors)
    suppliers = selectors.supplier_index(actor=actor, filters=filters, sort=sort, staff=True)
    exported = export_if_asked(
        request, "suppliers", exporting.SUPPLIER_COLUMNS, suppliers.iterator(chunk_size=2000)
    )
    if exported is not None:
        return exported
    page = CappedPage(suppliers, request.GET.get("page"), PAGE_SIZE)
    context = {
        "page": page,
        "errors": errors,
        "filters": request.GET,
        "sort": sort,
        "query": query_string(request),
        "sort_query": query_string(request, "sort"),
        "bands": RiskBand.choices,
        "categories": CATEGORIES,
        "statuses": SupplierStatus.choices,
        "certificate_filters": [
            (value, {**dict(CertificateStatus.choices), "none": _("None on file")}.get(value, value))
            for value in selectors.CERTIFICATE_FILTERS
        ],
        "units": accounts.orgunit_list(actor=actor),
    }
    template = "suppliers/_supplier_rows.html" if request.htmx else "suppliers/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    units, orgs = selectors.supplier_form_choices(actor=actor)
    initial = {"org_unit": actor.home_unit_id}
    form = forms.SupplierForm(request.POST or None, units=units, portal_orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supplier = services.supplier_create(
                actor=actor,
                name=data["name"],
                country=data["country"],
                region=data["region"],
                address=data["address"],
                categories=data["categories"],
                external_id=data["external_id"] or None,
                registration_id=data["registration_id"],
                aliases=data["aliases"],
                org_unit=unit_choice(actor, data["org_unit"]),
                portal_org=portal_choice(data["portal_org"]),
            )
            messages.success(
                request,
                _("Added %(name)s. Run onboarding when its records are in.") % {"name": supplier.name},
            )
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            form_errors(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(request, "suppliers/form.html", {"form": form, "title": _("Add a supplier")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_edit_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor = request_actor(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.change")
    units, orgs = selectors.supplier_form_choices(actor=actor, supplier=supplier)
    initial = {
        "name": supplier.name,
        "country": supplier.country,
        "region": supplier.region,
        "address": supplier.address,
        "categories": supplier.category_list,
        "registration_id": supplier.registration_id,
        "aliases": "; ".join(supplier.aliases),
        "org_unit": supplier.org_unit_id,
        "portal_org": supplier.portal_org_id or "",
        "status": supplier.status,
    }
    form = forms.SupplierForm(
        request.POST or None, units=units, portal_orgs=orgs, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.supplier_update(
                actor=actor,
                supplier=supplier,
                name=data["name"],
                country=data["country"],
                region=data["region"],
                address=data["address"],
                categories=data["categories"],
                registration_id=data["registration_id"],
                aliases=data["aliases"],
                org_unit=unit_choice(actor, data["org_unit"]),
                portal_org=portal_choice(data["portal_org"]),
                status=data["status"],
            )
            messages.success(request, _("Saved %(name)s.") % {"name": supplier.name})
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            form_errors(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "suppliers/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": supplier.name}, "supplier": supplier},
        status=status,
    )


@login_required
@require_GET
def supplier_detail_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor = request_actor(request)
    return detail_page(request, selectors.supplier_for(actor=actor, supplier_id=supplier_id, staff=True))


@login_required
@require_POST
def supplier_onboard_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = post_on_supplier(request, supplier_id, "suppliers.onboard")
    try:
        services.supplier_onboard(actor=actor, supplier=supplier)
    except ServiceError as exc:
        return detail_page(request, supplier, errors={"onboard": service_errors(exc)}, status=exc.status)
    decision = supplier.onboarding_decision
    assert decision is not None
    messages.success(
        request,
        _("Onboarding decision %(id)s: %(outcome)s; %(name)s is now %(status)s.")
        % {
            "id": decision.pk,
            "outcome": decision.get_outcome_display(),
            "name": supplier.name,
            "status": supplier.get_status_display().lower(),
        },
    )
    return redirect("supplier", supplier_id=supplier.pk)
