"""Certificates: recorded from the supplier page (and the portal), listed, downloaded, withdrawn."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import (
    downloads,
    exporting,
    forms,
    selectors,
    services,
)
from conduct.apps.suppliers.models import (
    CertificateStatus,
    Supplier,
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
    service_errors,
)


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
    actor, supplier = post_on_supplier(request, supplier_id, "certificates.upload")
    form = forms.CertificateForm(request.POST, request.FILES, prefix="cert", sites=supplier.sites.all())
    if form.is_valid():
        try:
            with transaction.atomic():
                certificate = certificate_from_form(actor, supplier, form)
            messages.success(
                request,
                _("Recorded %(standard)s certificate %(number)s.")
                % {"standard": certificate.standard, "number": certificate.number},
            )
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            form_errors(form, exc)
    return detail_page(request, supplier, certificate_form=form, status=422)


@login_required
@require_GET
def certificate_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    filters = selectors.CertificateFilters(
        standard=(request.GET.get("standard") or "").strip() or None,
        status=choice_param(request.GET.get("status"), CertificateStatus.values, "Status", errors),
        org_unit=int_param(request.GET.get("org_unit"), "Org unit", errors),
        supplier=int_param(request.GET.get("supplier"), "Supplier", errors),
    )
    certificates = selectors.certificate_index(actor=actor, filters=filters, staff=True)
    exported = export_if_asked(
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
            "query": query_string(request),
            "statuses": CertificateStatus.choices,
            "units": accounts.orgunit_list(actor=actor),
        },
    )


@login_required
@require_GET
def certificate_file_view(request: HttpRequest, certificate_id: int) -> FileResponse:
    actor = request_actor(request)
    return downloads.certificate_file_response(
        selectors.certificate_for(actor=actor, certificate_id=certificate_id)
    )


@login_required
@require_POST
def certificate_withdraw_view(request: HttpRequest, certificate_id: int) -> HttpResponse:
    actor = request_actor(request)
    certificate = selectors.certificate_for(
        actor=actor, certificate_id=certificate_id, permission="suppliers.change"
    )
    try:
        services.certificate_withdraw(
            actor=actor, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        return detail_page(
            request, certificate.supplier, errors={"certificates": service_errors(exc)}, status=exc.status
        )
    messages.success(request, _("Withdrew %(certificate)s.") % {"certificate": certificate})
    return redirect("supplier", supplier_id=certificate.supplier_id)
