"""Logs each request as one structured line (method, path, status, duration, user)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

log = logging.getLogger("conduct.request")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            user = getattr(request, "user", None)
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.username if user is not None and user.is_authenticated else None,
                },
            )
        return response


class ServiceErrorMiddleware:
    """Turns a ServiceError raised by a page into an error page with the right status (403, 404, ...).

    It also gives the API's errors that django-ninja or Django answer outside the API's exception handlers
    (405 for a method an endpoint does not take, 404 at /api/ itself) the one JSON error shape.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _api_error(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from conduct.apps.errors import ServiceError

        if request.path.startswith("/api/") or not isinstance(exception, ServiceError):
            return None
        return render(
            request,
            "web/error.html",
            {"status": exception.status, "message": exception.message, "fields": exception.fields},
            status=exception.status,
        )


_API_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "throttled",
}


def _api_error(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    from django.http import JsonResponse

    status = response.status_code
    allowed = response.get("Allow", "")
    if status == 405:
        message = f"{request.method} is not allowed here; use {allowed or 'another method'}."
    elif status == 404:
        message = f"No API endpoint at {request.path}."
    else:
        message = getattr(response, "reason_phrase", "") or "The request failed."
    code = _API_CODES.get(status, "server_error" if status >= 500 else "error")
    replacement = JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    if allowed:
        replacement["Allow"] = allowed
    return replacement
