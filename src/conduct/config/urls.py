"""URL map: the JSON API under /api/, then the pages and the unauthenticated health check (urls_pages)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from conduct.config.api import api
from conduct.config.urls_pages import urlpatterns as pages


def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": "not_found",
                "message": _("No API endpoint at %(path)s.") % {"path": request.path},
                "fields": {},
            }
        },
        status=404,
    )


urlpatterns = [
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    *pages,
]
