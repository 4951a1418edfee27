"""What the supplier pages share: query-string filters, exports, form errors, the supplier a form is posted
on, and the supplier page that those forms render again with their errors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, User
from conduct.apps.audit.selectors import object_history
from conduct.apps.errors import Invalid, NotFound, ServiceError
from conduct.apps.suppliers import (
    exporting,
    forms,
    screening_port,
    selectors,
    services,
)
from conduct.apps.suppliers.models import (
    RiskBand,
    Supplier,
)
from conduct.apps.suppliers.reference import country_risk
from conduct.db.bounds import MAX_DB_ID

PAGE_SIZE = 50


def query_string(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in (*drop, "page", "export"):
        params.pop(key, None)
    return params.urlencode()


def int_param(value: str | None, label: str, errors: list[str]) -> int | None:
    if not value:
        return None
    if value.isdigit() and 0 < int(value) <= MAX_DB_ID:
        return int(value)
    errors.append(f"{label}: {value!r} is not a record number.")
    return None


def choice_param(value: str | None, allowed: Any, label: str, errors: list[str]) -> str | None:
    if not value:
        return None
    if value in allowed:
        return value
    errors.append(f"{label}: {value!r} is not one of {', '.join(allowed)}.")
    return None


def export_if_asked(
    request: HttpRequest, name: str, columns: list[exporting.Column], rows: Any
) -> HttpResponse | None:
    fmt = request.GET.get("export")
    if not fmt:
        return None
    return exporting.export_response(name, columns, rows, fmt)


def service_errors(exc: ServiceError) -> list[str]:
    if not exc.fields:
        return [exc.message]
    return [f"{field}: {message}" for field, message in exc.fields.items()]


def unit_choice(actor: User, value: Any) -> OrgUnit:
    try:
        unit_id = int(value)
        if not 0 < unit_id <= MAX_DB_ID:
            raise ValueError(unit_id)
        return accounts.orgunit_get(actor=actor, unit_id=unit_id)
    except (TypeError, ValueError, NotFound):
        raise Invalid(
            _("Choose an org unit you are scoped to."), fields={"org_unit": _("Not one of your units.")}
        ) from None


def portal_choice(value: Any) -> PortalOrganisation | None:
    if not value:
        return None
    org = PortalOrganisation.objects.filter(pk=value, kind=PortalOrganisation.Kind.SUPPLIER).first()
    if org is None:
        raise Invalid(
            _("Unknown portal organisation."), fields={"portal_org": _("Not a supplier organisation.")}
        )
    return org


def form_errors(form: Any, exc: ServiceError) -> None:
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def post_on_supplier(request: HttpRequest, supplier_id: int, permission: str) -> tuple[User, Supplier]:
    """The actor and the supplier a staff form is posted on (403 for a role that may never do `permission`,
    then 404 for a supplier out of scope)."""
    actor = request_actor(request)
    return actor, selectors.supplier_for(
        actor=actor, supplier_id=supplier_id, permission=permission, staff=True
    )


def detail_context(actor: User, supplier: Supplier) -> dict[str, Any]:
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
    return {
        "supplier": supplier,
        "risk": selectors.risk_explained(actor=actor, supplier=supplier),
        "band_choices": RiskBand.choices,  # a band's name in the reader's language
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
        "ledger": object_history(actor=actor, object_type="supplier", object_id=supplier.pk)[:20],
        # the forms are shown to the roles that may use them (`may` in the template)
        "site_form": forms.SiteForm(prefix="site"),
        "contact_form": forms.ContactForm(prefix="contact", initial={"receives_reminders": True}),
        "certificate_form": forms.CertificateForm(prefix="cert", sites=sites),
        "audit_form": forms.AuditForm(prefix="audit"),
        "templates": services.templates(),
        "errors": {},
    }


def detail_page(
    request: HttpRequest,
    supplier: Supplier,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    **forms_in: Any,
) -> HttpResponse:
    context = detail_context(request_actor(request), supplier)
    context["errors"] = errors or {}
    context.update(forms_in)
    return render(request, "suppliers/detail.html", context, status=status)
