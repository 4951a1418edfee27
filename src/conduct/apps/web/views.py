"""Dashboard, health check, portal home and the landing pages of modules still being built."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conduct import __version__
from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.scoping import require
from conduct.apps.suppliers import selectors as suppliers

MODULE_PAGES: dict[str, tuple[str, str]] = {
    "grievances": ("Grievances", "Grievances from workers, the public and NGOs, anonymous if they wish."),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "dashboard.view")
    coverage = accounts.coverage(actor=actor)
    context = {
        "coverage": coverage,
        "user_count": accounts.user_list(actor=actor).filter(is_active=True).count(),
        "uncovered": accounts.units_without_liaison(actor=actor)[:10],
        "coverage_pct": round(100 * coverage["covered"] / coverage["units"]) if coverage["units"] else 0,
        "supplier_summary": suppliers.dashboard_summary(actor=actor),
    }
    return render(request, "web/dashboard.html", context)


@login_required
def module_page(request: HttpRequest, module: str) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "dashboard.view")
    if module not in MODULE_PAGES:
        raise Http404
    title, purpose = MODULE_PAGES[module]
    return render(request, "web/module.html", {"title": title, "purpose": purpose})


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "portal.view")
    return render(
        request,
        "web/portal.html",
        {"org": actor.portal_org, "supplier_portal": suppliers.portal_summary(actor=actor)},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """No authentication: reports whether the database answers and which one it is."""
    db = {"vendor": connection.vendor}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db["state"] = "ok"
        status = 200
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        db["state"] = "error"
        db["error"] = exc.__class__.__name__
        status = 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "version": __version__, "database": db}, status=status
    )
