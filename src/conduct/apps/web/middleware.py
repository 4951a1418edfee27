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
    """Turns a ServiceError raised by a page into an error page with the right status (403, 404, ...)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

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
