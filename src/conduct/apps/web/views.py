"""Dashboard, health check, portal home and the landing pages of modules still being built."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conduct import __version__
from conduct.apps.accounts.actors import request_actor
from conduct.apps.web import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", selectors.dashboard(actor=request_actor(request)))


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "web/portal.html", selectors.portal(actor=request_actor(request)))


FAVICON = Path(__file__).resolve().parent / "static" / "conduct" / "favicon.ico"


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """No authentication: browsers ask for /favicon.ico on their own, whatever the pages link."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


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
