"""Device access pages: the requests and devices (staff, support engineers), a request with its answer form
(the customer's approvers), and the customer portal's Access Transparency record with its CSV export.
Permissions are checked by the selectors and services these call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps import csvsafe
from conduct.apps.access import selectors, services
from conduct.apps.access.models import RequestStatus
from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Conflict, Invalid


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    elsewhere = selectors.index_redirect(actor=actor)
    if elsewhere:
        return redirect(elsewhere)
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    context = {
        "requests": selectors.access_request_list(actor=actor, status=status).prefetch_related("devices")[
            :200
        ],
        "devices": selectors.device_list(actor=actor)[:200],
        "unauthorised": selectors.access_event_list(actor=actor, authorised=False)[:50],
        "statuses": RequestStatus.choices,
        "status": status,
    }
    template = "access/_request_rows.html" if getattr(request, "htmx", False) else "access/index.html"
    return render(request, template, context)


def _request_form(
    request: HttpRequest, scopes: tuple[str, ...], form: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, "access/request_new.html", {"form": form, "scopes": scopes}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def request_new_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    scopes = selectors.request_scopes(actor=actor)  # the form's scopes; 403 before the form is read
    empty = {
        "devices": "",
        "scopes": [],
        "hours": "4",
        "reason": "",
        "ticket": "",
        "errors": {},
        "message": "",
    }
    if request.method == "GET":
        return _request_form(request, scopes, empty)
    form = {
        "devices": request.POST.get("devices", ""),
        "scopes": request.POST.getlist("scopes"),
        "hours": request.POST.get("hours", "4"),
        "reason": request.POST.get("reason", ""),
        "ticket": request.POST.get("ticket", ""),
    }
    try:
        hours = int(form["hours"])
    except ValueError:
        hours = 0
    try:
        created = services.access_request_create(
            actor=actor,
            serials=form["devices"].replace(",", " ").split(),
            scopes=form["scopes"],
            hours=hours,
            reason=form["reason"],
            ticket=form["ticket"],
        )
    except Invalid as exc:
        return _request_form(
            request, scopes, {**form, "errors": exc.fields, "message": exc.message}, status=422
        )
    messages.success(
        request,
        _("Access request %(id)d sent to %(customer)s.")
        % {"id": created.pk, "customer": created.customer.name},
    )
    return redirect("access-request", request_id=created.pk)


@login_required
def request_detail_view(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.access_request_get(actor=actor, request_id=request_id)
    context = {
        "item": found,
        "devices": found.devices.all(),
        "grants": found.grants.select_related("device"),
        "pending": found.status == RequestStatus.PENDING,
    }
    return render(request, "access/request.html", context)


def _answer(request: HttpRequest, request_id: int, approve: bool) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.access_request_get(actor=actor, request_id=request_id)
    comment = request.POST.get("comment", "")
    try:
        if approve:
            hours_text = request.POST.get("hours", "").strip()
            services.access_request_approve(
                actor=actor,
                request=found,
                hours=int(hours_text) if hours_text.isdigit() else None,
                scopes=request.POST.getlist("scopes") or None,
                comment=comment,
            )
            messages.success(request, _("Approved: the grants are signed."))
        else:
            services.access_request_deny(actor=actor, request=found, comment=comment)
            messages.success(request, _("Denied."))
    except (Invalid, Conflict) as exc:
        messages.error(request, " ".join([exc.message, *exc.fields.values()]))
    return redirect("access-request", request_id=found.pk)


@login_required
@require_POST
def request_approve_view(request: HttpRequest, request_id: int) -> HttpResponse:
    return _answer(request, request_id, approve=True)


@login_required
@require_POST
def request_deny_view(request: HttpRequest, request_id: int) -> HttpResponse:
    return _answer(request, request_id, approve=False)


@login_required
@require_POST
def grant_revoke_view(request: HttpRequest, grant_id: str) -> HttpResponse:
    actor = request_actor(request)
    grant = selectors.grant_get(actor=actor, grant_id=grant_id[:40])
    try:
        services.grant_revoke(actor=actor, grant=grant, comment=request.POST.get("comment", ""))
        messages.success(request, _("Grant %(id)s revoked.") % {"id": grant.grant_id})
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("access-request", request_id=grant.request_id)


@login_required
@require_POST
def devices_import_view(request: HttpRequest) -> HttpResponse:
    """A CSV of devices (serial,model,firmware,customer,site,installer), all or nothing."""
    actor = request_actor(request)
    upload = request.FILES.get("file")
    try:
        text = upload.read().decode("utf-8-sig") if upload else ""
    except UnicodeDecodeError:
        text = "\x00"
    try:
        created = services.devices_import(actor=actor, text=text)
        messages.success(request, _("%(n)d device(s) imported.") % {"n": len(created)})
    except Invalid as exc:
        problems = "; ".join(f"{where}: {why}" for where, why in sorted(exc.fields.items()))
        messages.error(request, f"{exc.message} {problems}")
    return redirect("access")


@login_required
def portal_view(request: HttpRequest) -> HttpResponse:
    """Access Transparency: per device, every request, grant, revocation and access event."""
    actor = request_actor(request)
    records = selectors.transparency(actor=actor)
    return render(request, "access/portal.html", {"records": records})


CSV_HEADER = ["device", "kind", "id", "at", "who", "what", "state"]


@login_required
def portal_export_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = selectors.transparency_rows(actor=actor)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-transparency.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    return response
