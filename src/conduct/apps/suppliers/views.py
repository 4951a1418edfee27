"""Supplier pages for compliance staff: the list (filters, sorting, export), a supplier with its risk drivers,
certificates, audits, corrective actions, questionnaires, screening and sub-supplier graph; import; and the
lists of certificates, audits, corrective actions and questionnaires. Portal pages are in portal_views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, User
from conduct.apps.accounts.scoping import can, require
from conduct.apps.audit.selectors import object_history
from conduct.apps.errors import Invalid, NotFound, ServiceError
from conduct.apps.suppliers import exporting, forms, questionnaire, screening_port, selectors, services
from conduct.apps.suppliers.models import (
    ActionStatus,
    AuditKind,
    CertificateStatus,
    ResponseStatus,
    RiskBand,
    Severity,
    Supplier,
    SupplierStatus,
)
from conduct.apps.suppliers.paging import CappedPage
from conduct.apps.suppliers.reference import CATEGORIES, country_risk
from conduct.datafiles import data_path

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _query(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in (*drop, "page", "export"):
        params.pop(key, None)
    return params.urlencode()


def _int(value: str | None, label: str, errors: list[str]) -> int | None:
    if not value:
        return None
    if value.isdigit():
        return int(value)
    errors.append(f"{label}: {value!r} is not a number.")
    return None


def _choice(value: str | None, allowed: Any, label: str, errors: list[str]) -> str | None:
    if not value:
        return None
    if value in allowed:
        return value
    errors.append(f"{label}: {value!r} is not one of {', '.join(allowed)}.")
    return None


def _export(
    request: HttpRequest, name: str, columns: list[exporting.Column], rows: Any
) -> HttpResponse | None:
    fmt = request.GET.get("export")
    if not fmt:
        return None
    return exporting.export_response(name, columns, rows, fmt)


def _service_errors(exc: ServiceError) -> list[str]:
    if not exc.fields:
        return [exc.message]
    return [f"{field}: {message}" for field, message in exc.fields.items()]


# --- the supplier list ----------------------------------------------------------------------------


def _supplier_filters(request: HttpRequest, errors: list[str]) -> tuple[selectors.SupplierFilters, str]:
    g = request.GET
    country = (g.get("country") or "").strip().upper() or None
    filters = selectors.SupplierFilters(
        q=(g.get("q") or "").strip()[:100] or None,
        risk_band=_choice(g.get("risk_band"), RiskBand.values, "Risk band", errors),
        country=country,
        category=_choice(g.get("category"), CATEGORIES, "Category", errors),
        certificate_status=_choice(
            g.get("certificate_status"), selectors.CERTIFICATE_FILTERS, "Certificates", errors
        ),
        tier=_int(g.get("tier"), "Tier", errors),
        status=_choice(g.get("status"), SupplierStatus.values, "Status", errors),
        org_unit=_int(g.get("org_unit"), "Org unit", errors),
        overdue_actions=g.get("overdue") == "1",
    )
    sort = g.get("sort") or "name"
    if sort not in selectors.SUPPLIER_SORTS:
        errors.append(f"Sort: {sort!r} is not a column to sort by.")
        sort = "name"
    return filters, sort


@login_required
def supplier_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.view")
    errors: list[str] = []
    filters, sort = _supplier_filters(request, errors)
    suppliers = selectors.supplier_list(actor=actor, filters=filters, sort=sort)
    exported = _export(request, "suppliers", exporting.SUPPLIER_COLUMNS, suppliers.iterator(chunk_size=2000))
    if exported is not None:
        return exported
    page = CappedPage(suppliers, request.GET.get("page"), PAGE_SIZE)
    context = {
        "page": page,
        "errors": errors,
        "filters": request.GET,
        "sort": sort,
        "query": _query(request),
        "sort_query": _query(request, "sort"),
        "bands": RiskBand.choices,
        "categories": CATEGORIES,
        "statuses": SupplierStatus.choices,
        "certificate_filters": selectors.CERTIFICATE_FILTERS,
        "units": accounts.orgunit_list(actor=actor),
        "can_change": can(actor, "suppliers.change"),
        "can_import": can(actor, "suppliers.import"),
        "can_recompute": can(actor, "suppliers.risk"),
    }
    template = "suppliers/_supplier_rows.html" if request.htmx else "suppliers/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- create and edit ------------------------------------------------------------------------------


def _unit_choice(actor: User, value: Any) -> OrgUnit:
    try:
        return accounts.orgunit_get(actor=actor, unit_id=int(value))
    except (TypeError, ValueError, NotFound):
        raise Invalid(
            "Choose an org unit you are scoped to.", fields={"org_unit": "Not one of your units."}
        ) from None


def _portal_choice(value: Any) -> PortalOrganisation | None:
    if not value:
        return None
    org = PortalOrganisation.objects.filter(pk=value, kind=PortalOrganisation.Kind.SUPPLIER).first()
    if org is None:
        raise Invalid("Unknown portal organisation.", fields={"portal_org": "Not a supplier organisation."})
    return org


def _form_errors(form: Any, exc: ServiceError) -> None:
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_create_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.change")
    units = accounts.orgunit_list(actor=actor)
    orgs = PortalOrganisation.objects.filter(kind=PortalOrganisation.Kind.SUPPLIER, supplier__isnull=True)
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
                org_unit=_unit_choice(actor, data["org_unit"]),
                portal_org=_portal_choice(data["portal_org"]),
            )
            messages.success(request, f"Added {supplier.name}. Run onboarding when its records are in.")
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(request, "suppliers/form.html", {"form": form, "title": "Add a supplier"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_edit_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.change")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    units = accounts.orgunit_list(actor=actor)
    orgs = PortalOrganisation.objects.filter(kind=PortalOrganisation.Kind.SUPPLIER).exclude(
        supplier__in=Supplier.objects.exclude(pk=supplier.pk)
    )
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
                org_unit=_unit_choice(actor, data["org_unit"]),
                portal_org=_portal_choice(data["portal_org"]),
                status=data["status"],
            )
            messages.success(request, f"Saved {supplier.name}.")
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "suppliers/form.html",
        {"form": form, "title": f"Edit {supplier.name}", "supplier": supplier},
        status=status,
    )


# --- the supplier page ----------------------------------------------------------------------------


def _detail_context(actor: User, supplier: Supplier) -> dict[str, Any]:
    certificates = list(
        selectors.certificate_list(
            actor=actor, filters=selectors.CertificateFilters(supplier=supplier.pk)
        ).prefetch_related("sites")
    )
    sites = list(supplier.sites.all())
    covering: dict[int, list[Any]] = {}
    for certificate in certificates:
        for site in certificate.sites.all():
            covering.setdefault(site.pk, []).append(certificate)
    for site in sites:
        site.covering = covering.get(site.pk, [])  # type: ignore[attr-defined]
    audits = list(
        selectors.audit_list(actor=actor, supplier=supplier.pk).prefetch_related("findings__action")
    )
    actions = list(selectors.action_list(actor=actor, filters=selectors.ActionFilters(supplier=supplier.pk)))
    screening = screening_port.screening_for([supplier.pk])
    crisk = country_risk(supplier.country)
    can_change = can(actor, "suppliers.change")
    return {
        "supplier": supplier,
        "risk": selectors.risk_explained(actor=actor, supplier=supplier),
        "country_basis": crisk.basis,
        "certificates": certificates,
        "audits": audits,
        "actions": actions,
        "overdue": [a for a in actions if a.is_overdue],
        "questionnaires": list(selectors.response_list(actor=actor, supplier=supplier.pk)),
        "sites": sites,
        "contacts": list(supplier.contacts.all()),
        "tree": selectors.supplier_tree(actor=actor, supplier=supplier, max_nodes=100),
        "screening": None
        if screening is None
        else screening.get(supplier.pk, screening_port.SupplierScreening()),
        "screening_available": screening is not None,
        "decision": supplier.onboarding_decision,
        "ledger": object_history(actor=actor, object_type="supplier", object_id=supplier.pk)[:20]
        if can(actor, "ledger.view")
        else [],
        "can_change": can_change,
        "can_onboard": can(actor, "suppliers.onboard"),
        "can_audit": can(actor, "audits.record"),
        "can_send": can(actor, "questionnaires.send"),
        "site_form": forms.SiteForm(prefix="site") if can_change else None,
        "contact_form": forms.ContactForm(prefix="contact", initial={"receives_reminders": True})
        if can_change
        else None,
        "certificate_form": forms.CertificateForm(prefix="cert", sites=sites)
        if can(actor, "certificates.upload")
        else None,
        "audit_form": forms.AuditForm(prefix="audit") if can(actor, "audits.record") else None,
        "templates": services.templates(),
        "errors": {},
    }


def _detail(
    request: HttpRequest,
    supplier: Supplier,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    **forms_in: Any,
) -> HttpResponse:
    context = _detail_context(_actor(request), supplier)
    context["errors"] = errors or {}
    context.update(forms_in)
    return render(request, "suppliers/detail.html", context, status=status)


@login_required
@require_GET
def supplier_detail_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.view")
    return _detail(request, selectors.supplier_get(actor=actor, supplier_id=supplier_id))


def _staff_writer(request: HttpRequest, permission: str) -> User:
    actor = _actor(request)
    require(actor, "suppliers.view")  # staff pages: a supplier works its records through the portal pages
    require(actor, permission)
    return actor


def _post_on_supplier(request: HttpRequest, supplier_id: int, permission: str) -> tuple[User, Supplier]:
    actor = _staff_writer(request, permission)
    return actor, selectors.supplier_get(actor=actor, supplier_id=supplier_id)


@login_required
@require_POST
def supplier_onboard_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = _post_on_supplier(request, supplier_id, "suppliers.onboard")
    try:
        services.supplier_onboard(actor=actor, supplier=supplier)
    except ServiceError as exc:
        return _detail(request, supplier, errors={"onboard": _service_errors(exc)}, status=exc.status)
    decision = supplier.onboarding_decision
    assert decision is not None
    messages.success(
        request,
        f"Onboarding decision {decision.pk}: {decision.get_outcome_display()}; "
        f"{supplier.name} is now {supplier.get_status_display().lower()}.",
    )
    return redirect("supplier", supplier_id=supplier.pk)


@login_required
@require_POST
def site_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = _post_on_supplier(request, supplier_id, "suppliers.change")
    form = forms.SiteForm(request.POST, prefix="site")
    if form.is_valid():
        try:
            services.site_add(actor=actor, supplier=supplier, **form.cleaned_data)
            messages.success(request, f"Added the site {form.cleaned_data['name']}.")
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return _detail(request, supplier, site_form=form, status=422)


@login_required
@require_POST
def contact_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = _post_on_supplier(request, supplier_id, "suppliers.change")
    form = forms.ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            services.contact_add(actor=actor, supplier=supplier, **form.cleaned_data)
            messages.success(request, f"Added the contact {form.cleaned_data['name']}.")
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return _detail(request, supplier, contact_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def site_edit_view(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = _staff_writer(request, "suppliers.change")
    site = selectors.site_get(actor=actor, site_id=site_id)
    supplier = site.supplier
    initial = {
        "name": site.name,
        "country": site.country,
        "region": site.region,
        "address": site.address,
        "headcount": site.headcount,
    }
    form = forms.SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=actor, site=site, **form.cleaned_data)
            messages.success(request, f"Saved the site {site.name}.")
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "suppliers/form.html",
        {"form": form, "title": f"Edit the site {site.name} of {supplier.name}", "supplier": supplier},
        status=status,
    )


@login_required
@require_POST
def site_remove_view(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = _staff_writer(request, "suppliers.change")
    site = selectors.site_get(actor=actor, site_id=site_id)
    supplier, name = site.supplier, site.name
    covering = list(site.certificates.all())
    try:
        services.site_remove(actor=actor, site=site)
    except ServiceError as exc:
        return _detail(request, supplier, errors={"sites": _service_errors(exc)}, status=exc.status)
    note = (
        f" Certificates that covered it no longer list it: {', '.join(map(str, covering))}."
        if covering
        else ""
    )
    messages.success(request, f"Removed the site {name}.{note}")
    return redirect("supplier", supplier_id=supplier.pk)


@login_required
@require_POST
def contact_remove_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = _staff_writer(request, "suppliers.change")
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    supplier, name = contact.supplier, contact.name
    try:
        services.contact_remove(actor=actor, contact=contact)
    except ServiceError as exc:
        return _detail(request, supplier, errors={"contacts": _service_errors(exc)}, status=exc.status)
    messages.success(request, f"Removed the contact {name}.")
    return redirect("supplier", supplier_id=supplier.pk)


@login_required
@require_POST
def relation_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, buyer = _post_on_supplier(request, supplier_id, "suppliers.change")
    ref = (request.POST.get("sub_supplier") or "").strip()
    sub = selectors.supplier_list(actor=actor).filter(external_id=ref).first() if ref else None
    if sub is None and ref.isdigit():
        sub = selectors.supplier_list(actor=actor).filter(pk=int(ref)).first()
    try:
        if sub is None:
            raise Invalid(
                "Unknown supplier.", fields={"sub_supplier": f"No supplier {ref!r} that you can see."}
            )
        services.relation_add(actor=actor, buyer=buyer, supplier=sub)
    except ServiceError as exc:
        return _detail(request, buyer, errors={"relation": _service_errors(exc)}, status=exc.status)
    messages.success(request, f"{buyer.name} buys from {sub.name}.")
    return redirect("supplier", supplier_id=buyer.pk)


@login_required
@require_POST
def relation_remove_view(request: HttpRequest, supplier_id: int, sub_id: int) -> HttpResponse:
    actor, buyer = _post_on_supplier(request, supplier_id, "suppliers.change")
    relation = selectors.relation_get(actor=actor, buyer=buyer, supplier_id=sub_id)
    sub = relation.supplier
    try:
        services.relation_remove(actor=actor, relation=relation)
    except ServiceError as exc:
        return _detail(request, buyer, errors={"relation": _service_errors(exc)}, status=exc.status)
    messages.success(request, f"{buyer.name} no longer buys from {sub.name}.")
    return redirect("supplier", supplier_id=buyer.pk)


def certificate_from_form(actor: User, supplier: Supplier, form: forms.CertificateForm) -> Any:
    """Shared by the staff and portal pages: record the certificate with the sites it covers, attach its file.
    The caller holds the transaction."""
    data = dict(form.cleaned_data)
    upload = data.pop("file", None)
    site_ids = data.pop("sites", None) or []
    certificate = services.certificate_create(actor=actor, supplier=supplier, site_ids=site_ids, **data)
    if upload is not None:
        services.certificate_attach_file(
            actor=actor, certificate=certificate, content=upload.read(), filename=upload.name
        )
    return certificate


@login_required
@require_POST
def certificate_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    from django.db import transaction

    actor, supplier = _post_on_supplier(request, supplier_id, "certificates.upload")
    form = forms.CertificateForm(request.POST, request.FILES, prefix="cert", sites=supplier.sites.all())
    if form.is_valid():
        try:
            with transaction.atomic():
                certificate = certificate_from_form(actor, supplier, form)
            messages.success(request, f"Recorded {certificate.standard} certificate {certificate.number}.")
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return _detail(request, supplier, certificate_form=form, status=422)


@login_required
@require_POST
def audit_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = _post_on_supplier(request, supplier_id, "audits.record")
    form = forms.AuditForm(request.POST, prefix="audit")
    if form.is_valid():
        try:
            audit = services.audit_create(actor=actor, supplier=supplier, **form.cleaned_data)
            messages.success(request, "Audit recorded; add its findings.")
            return redirect("supplier-audit", audit_id=audit.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return _detail(request, supplier, audit_form=form, status=422)


@login_required
@require_POST
def questionnaire_send_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = _post_on_supplier(request, supplier_id, "questionnaires.send")
    try:
        services.questionnaire_send(
            actor=actor,
            supplier=supplier,
            template_key=request.POST.get("template") or services.questionnaires.DEFAULT_TEMPLATE,
            due_date=request.POST.get("due_date") or None,
        )
    except ServiceError as exc:
        return _detail(request, supplier, errors={"questionnaire": _service_errors(exc)}, status=exc.status)
    messages.success(request, f"Questionnaire sent to {supplier.name}; its portal users will see it.")
    return redirect("supplier", supplier_id=supplier.pk)


# --- certificates ---------------------------------------------------------------------------------


@login_required
@require_GET
def certificate_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.view")
    errors: list[str] = []
    filters = selectors.CertificateFilters(
        standard=(request.GET.get("standard") or "").strip() or None,
        status=_choice(request.GET.get("status"), CertificateStatus.values, "Status", errors),
        org_unit=_int(request.GET.get("org_unit"), "Org unit", errors),
        supplier=_int(request.GET.get("supplier"), "Supplier", errors),
    )
    certificates = selectors.certificate_list(actor=actor, filters=filters)
    exported = _export(
        request, "certificates", exporting.CERTIFICATE_COLUMNS, certificates.iterator(chunk_size=2000)
    )
    if exported is not None:
        return exported
    page = CappedPage(certificates, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "suppliers/certificates.html",
        {
            "page": page,
            "errors": errors,
            "filters": request.GET,
            "query": _query(request),
            "statuses": CertificateStatus.choices,
            "units": accounts.orgunit_list(actor=actor),
        },
    )


@login_required
@require_GET
def certificate_file_view(request: HttpRequest, certificate_id: int) -> FileResponse:
    from conduct.apps.suppliers.api import certificate_file_response
    from conduct.apps.suppliers.permissions import read_permission

    actor = _actor(request)
    require(actor, read_permission(actor))
    return certificate_file_response(selectors.certificate_get(actor=actor, certificate_id=certificate_id))


@login_required
@require_POST
def certificate_withdraw_view(request: HttpRequest, certificate_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.change")
    certificate = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    try:
        services.certificate_withdraw(
            actor=actor, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        return _detail(
            request, certificate.supplier, errors={"certificates": _service_errors(exc)}, status=exc.status
        )
    messages.success(request, f"Withdrew {certificate}.")
    return redirect("supplier", supplier_id=certificate.supplier_id)


# --- audits and corrective actions ----------------------------------------------------------------


@login_required
@require_GET
def audit_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.view")
    errors: list[str] = []
    kind = _choice(request.GET.get("kind"), AuditKind.values, "Kind", errors)
    audits = selectors.audit_list(
        actor=actor, kind=kind, supplier=_int(request.GET.get("supplier"), "Supplier", errors)
    )
    exported = _export(request, "audits", exporting.AUDIT_COLUMNS, audits)
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
            "query": _query(request),
            "kinds": AuditKind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_detail_view(request: HttpRequest, audit_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "audits.record" if request.method == "POST" else "suppliers.view")
    audit = selectors.audit_get(actor=actor, audit_id=audit_id)
    form = forms.FindingForm(request.POST or None) if can(actor, "audits.record") else None
    status = 200
    if request.method == "POST":
        assert form is not None
        if form.is_valid():
            try:
                services.finding_add(actor=actor, audit=audit, **form.cleaned_data)
                messages.success(request, "Finding added; give it a corrective action plan.")
                return redirect("supplier-audit", audit_id=audit.pk)
            except ServiceError as exc:
                _form_errors(form, exc)
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


@login_required
@require_POST
def action_create_view(request: HttpRequest, finding_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "audits.record")
    finding = selectors.finding_get(actor=actor, finding_id=finding_id)
    form = forms.ActionForm(request.POST, prefix="cap")
    if form.is_valid():
        try:
            services.action_create(actor=actor, finding=finding, **form.cleaned_data)
            messages.success(request, "Corrective action plan recorded.")
            return redirect("supplier-audit", audit_id=finding.audit_id)
        except ServiceError as exc:
            _form_errors(form, exc)
    messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
    return redirect("supplier-audit", audit_id=finding.audit_id)


def _action_filters(request: HttpRequest, errors: list[str]) -> selectors.ActionFilters:
    return selectors.ActionFilters(
        supplier=_int(request.GET.get("supplier"), "Supplier", errors),
        org_unit=_int(request.GET.get("org_unit"), "Org unit", errors),
        status=_choice(request.GET.get("status"), ActionStatus.values, "Status", errors),
        severity=_choice(request.GET.get("severity"), Severity.values, "Severity", errors),
        overdue=request.GET.get("overdue") == "1",
    )


@login_required
@require_GET
def action_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.view")
    errors: list[str] = []
    plans = selectors.action_list(actor=actor, filters=_action_filters(request, errors))
    exported = _export(request, "corrective-actions", exporting.ACTION_COLUMNS, plans)
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
            "query": _query(request),
            "statuses": ActionStatus.choices,
            "severities": Severity.choices,
            "units": accounts.orgunit_list(actor=actor),
            "by_unit": selectors.overdue_by_unit(actor=actor),
        },
    )


def action_work(request: HttpRequest, actor: User, plan: Any) -> tuple[forms.ActionWorkForm, int]:
    """Shared by the staff and portal pages: apply the work form, attach an evidence file. (form, status)."""
    from django.db import transaction

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
        _form_errors(form, exc)
        return form, exc.status
    messages.success(request, "Corrective action updated.")
    return form, 302


@login_required
@require_http_methods(["GET", "POST"])
def action_detail_view(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "actions.verify" if request.method == "POST" else "suppliers.view")
    plan = selectors.action_get(actor=actor, action_id=action_id)
    form = forms.ActionWorkForm(
        initial={"root_cause": plan.root_cause, "action": plan.action, "evidence": plan.evidence}
    )
    status = 200
    if request.method == "POST":
        form, status = action_work(request, actor, plan)
        if status == 302:
            return redirect("supplier-action", action_id=plan.pk)
    history = (
        object_history(actor=actor, object_type="corrective_action", object_id=plan.pk)
        if can(actor, "ledger.view")
        else []
    )
    return render(
        request,
        "suppliers/action.html",
        {"plan": plan, "form": form, "history": history, "can_work": can(actor, "actions.verify")},
        status=status,
    )


# --- questionnaires -------------------------------------------------------------------------------


@login_required
@require_GET
def response_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.view")
    errors: list[str] = []
    status = _choice(request.GET.get("status"), ResponseStatus.values, "Status", errors)
    responses = selectors.response_list(
        actor=actor, status=status, supplier=_int(request.GET.get("supplier"), "Supplier", errors)
    )
    exported = _export(request, "questionnaires", exporting.RESPONSE_COLUMNS, responses)
    if exported is not None:
        return exported
    page = CappedPage(responses, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "suppliers/questionnaires.html",
        {
            "page": page,
            "errors": errors,
            "filters": request.GET,
            "query": _query(request),
            "statuses": ResponseStatus.choices,
        },
    )


def answered_questions(response: Any) -> list[dict[str, Any]]:
    """Sections with each shown question, its answer and the reviewer's comment, for display."""
    by_id = {q["id"]: q for q in questionnaire.questions(response.template)}
    sections = []
    for section in response.template["sections"]:
        rows = []
        for q in section["questions"]:
            if not questionnaire.is_shown(q, response.answers, by_id):
                continue
            answer = response.answers.get(q["id"])
            label = next((o["label"] for o in q.get("options", []) if o["value"] == answer), answer)
            flagged = any(f["question"] == q["id"] for f in response.flags)
            rows.append(
                {
                    "q": q,
                    "answer": label,
                    "raw": answer,
                    "flagged": flagged,
                    "comment": response.question_comments.get(q["id"], ""),
                }
            )
        sections.append(
            {"section": section, "rows": rows, "score": response.section_scores.get(section["id"])}
        )
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def response_review_view(request: HttpRequest, response_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "questionnaires.review" if request.method == "POST" else "suppliers.view")
    response = selectors.response_get(actor=actor, response_id=response_id)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        comments = {
            k.removeprefix("comment_"): v for k, v in request.POST.items() if k.startswith("comment_")
        }
        try:
            services.questionnaire_review(
                actor=actor,
                response=response,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
                question_comments=comments,
            )
            messages.success(request, f"Questionnaire {response.get_status_display().lower()}.")
            return redirect("supplier-questionnaire", response_id=response.pk)
        except ServiceError as exc:
            errors = _service_errors(exc)
            status = exc.status
    return render(
        request,
        "suppliers/questionnaire_review.html",
        {
            "response": response,
            "sections": answered_questions(response),
            "errors": errors,
            "can_review": can(actor, "questionnaires.review") and response.status == ResponseStatus.SUBMITTED,
        },
        status=status,
    )


# --- import, templates, risk ----------------------------------------------------------------------

TEMPLATE_FILES = {
    "suppliers": "suppliers.csv",
    "sites": "sites.csv",
    "certificates": "certificates.csv",
    "relations": "relations.csv",
    "workbook": "suppliers-import.xlsx",
    "readme": "README.md",
}


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "suppliers.import")
    units = accounts.orgunit_list(actor=actor)
    form = forms.ImportForm(request.POST or None, units=units)
    report = None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        sources = [
            services.ImportSource(name=f.name, content=f.read()) for f in request.FILES.getlist("files")
        ]
        try:
            unit = _unit_choice(actor, request.POST["org_unit"]) if request.POST.get("org_unit") else None
            commit = request.POST.get("commit") == "1"
            report = services.supplier_import(actor=actor, sources=sources, commit=commit, unit=unit)
            if report.committed:
                from conduct.apps.suppliers.tasks import after_import

                after_import(report)
                messages.success(
                    request,
                    "Imported: "
                    + ", ".join(
                        f"{kind} {c.get('created', 0)} new, {c.get('updated', 0)} updated"
                        for kind, c in report.counts.items()
                        if c.get("rows")
                    )
                    + ". Risk scores are being recomputed.",
                )
            elif not report.ok:
                status = 422
        except ServiceError as exc:
            errors = _service_errors(exc)
            status = exc.status
    return render(
        request,
        "suppliers/import.html",
        {
            "form": form,
            "report": report,
            "problems": report.problems[:2000] if report else [],
            "errors": errors,
            "templates": TEMPLATE_FILES,
        },
        status=status,
    )


@login_required
@require_GET
def import_template_view(request: HttpRequest, kind: str) -> FileResponse:
    require(_actor(request), "suppliers.view")
    name = TEMPLATE_FILES.get(kind)
    if name is None:
        raise Http404
    return FileResponse(
        data_path("templates", "suppliers", name).open("rb"), as_attachment=True, filename=name
    )


@login_required
@require_POST
def risk_recompute_view(request: HttpRequest) -> HttpResponse:
    require(_actor(request), "suppliers.risk")
    from conduct.apps.suppliers.tasks import risk_recompute

    risk_recompute.enqueue()
    messages.success(request, "Every supplier's risk is being recomputed.")
    return redirect("suppliers")
