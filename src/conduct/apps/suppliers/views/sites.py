"""A supplier's sites, contacts and sub-suppliers, posted from its page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Invalid, ServiceError
from conduct.apps.suppliers import (
    forms,
    selectors,
    services,
)
from conduct.apps.suppliers.views._common import (
    detail_page,
    form_errors,
    post_on_supplier,
    service_errors,
)


@login_required
@require_POST
def site_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = post_on_supplier(request, supplier_id, "suppliers.change")
    form = forms.SiteForm(request.POST, prefix="site")
    if form.is_valid():
        try:
            services.site_add(actor=actor, supplier=supplier, **form.cleaned_data)
            messages.success(request, _("Added the site %(name)s.") % {"name": form.cleaned_data["name"]})
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            form_errors(form, exc)
    return detail_page(request, supplier, site_form=form, status=422)


@login_required
@require_POST
def contact_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = post_on_supplier(request, supplier_id, "suppliers.change")
    form = forms.ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            services.contact_add(actor=actor, supplier=supplier, **form.cleaned_data)
            messages.success(request, _("Added the contact %(name)s.") % {"name": form.cleaned_data["name"]})
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            form_errors(form, exc)
    return detail_page(request, supplier, contact_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def site_edit_view(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = request_actor(request)
    site = selectors.site_for(actor=actor, site_id=site_id, permission="suppliers.change", staff=True)
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
            messages.success(request, _("Saved the site %(name)s.") % {"name": site.name})
            return redirect("supplier", supplier_id=supplier.pk)
        except ServiceError as exc:
            form_errors(form, exc)
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
    actor = request_actor(request)
    site = selectors.site_for(actor=actor, site_id=site_id, permission="suppliers.change", staff=True)
    supplier, name = site.supplier, site.name
    covering = list(site.certificates.all())
    try:
        services.site_remove(actor=actor, site=site)
    except ServiceError as exc:
        return detail_page(request, supplier, errors={"sites": service_errors(exc)}, status=exc.status)
    note = (
        " "
        + _("Certificates that covered it no longer list it: %(certificates)s.")
        % {"certificates": ", ".join(map(str, covering))}
        if covering
        else ""
    )
    messages.success(request, _("Removed the site %(name)s.") % {"name": name} + note)
    return redirect("supplier", supplier_id=supplier.pk)


@login_required
@require_POST
def contact_remove_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = request_actor(request)
    contact = selectors.contact_for(
        actor=actor, contact_id=contact_id, permission="suppliers.change", staff=True
    )
    supplier, name = contact.supplier, contact.name
    try:
        services.contact_remove(actor=actor, contact=contact)
    except ServiceError as exc:
        return detail_page(request, supplier, errors={"contacts": service_errors(exc)}, status=exc.status)
    messages.success(request, _("Removed the contact %(name)s.") % {"name": name})
    return redirect("supplier", supplier_id=supplier.pk)


@login_required
@require_POST
def relation_add_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, buyer = post_on_supplier(request, supplier_id, "suppliers.change")
    ref = (request.POST.get("sub_supplier") or "").strip()
    sub = selectors.supplier_list(actor=actor).filter(external_id=ref).first() if ref else None
    if sub is None and ref.isdigit():
        sub = selectors.supplier_list(actor=actor).filter(pk=int(ref)).first()
    try:
        if sub is None:
            raise Invalid(
                _("Unknown supplier."),
                fields={"sub_supplier": _("No supplier %(ref)s that you can see.") % {"ref": repr(ref)}},
            )
        services.relation_add(actor=actor, buyer=buyer, supplier=sub)
    except ServiceError as exc:
        return detail_page(request, buyer, errors={"relation": service_errors(exc)}, status=exc.status)
    messages.success(request, _("%(buyer)s buys from %(sub)s.") % {"buyer": buyer.name, "sub": sub.name})
    return redirect("supplier", supplier_id=buyer.pk)


@login_required
@require_POST
def relation_remove_view(request: HttpRequest, supplier_id: int, sub_id: int) -> HttpResponse:
    actor, buyer = post_on_supplier(request, supplier_id, "suppliers.change")
    relation = selectors.relation_get(actor=actor, buyer=buyer, supplier_id=sub_id)
    sub = relation.supplier
    try:
        services.relation_remove(actor=actor, relation=relation)
    except ServiceError as exc:
        return detail_page(request, buyer, errors={"relation": service_errors(exc)}, status=exc.status)
    messages.success(
        request, _("%(buyer)s no longer buys from %(sub)s.") % {"buyer": buyer.name, "sub": sub.name}
    )
    return redirect("supplier", supplier_id=buyer.pk)
