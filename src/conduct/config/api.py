"""The one django-ninja API: /api/v1/..., OpenAPI at /api/openapi.json, docs at /api/docs."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.openapi.docs import _csrf_needed

from conduct import __version__
from conduct.apps.apikit import AUTH, actor_of, install_error_handlers


class LocalSwagger(Swagger):
    """ninja's Swagger UI page with its files served from here, ninja not being an installed app (settings'
    NINJA_DIR): ninja would otherwise render its page that loads Swagger UI from a CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="Conduct API",
    version=__version__,
    description=(
        "Human-rights due diligence and compliance. Authenticate with a session or "
        '`Authorization: Bearer <token>`. Errors: `{"error": {"code", "message", "fields"}}`.'
    ),
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(),
)
install_error_handlers(api)


@api.get("/v1/ping", tags=["meta"], summary="A trivial authenticated endpoint (health of the API layer)")
def ping(request: HttpRequest) -> dict[str, str]:
    return {"pong": actor_of(request).username}


def _mount() -> None:
    from conduct.apps.access.api import router as access
    from conduct.apps.accounts import api_investigators  # noqa: F401 - its operations join the accounts router
    from conduct.apps.accounts.api import router as accounts
    from conduct.apps.audit.api import router as audit
    from conduct.apps.catalog.api import router as catalog
    from conduct.apps.engagement.api import router as engagement
    from conduct.apps.gates.api import router as gates
    from conduct.apps.governance.api import router as governance
    from conduct.apps.grievances.api import router as grievances
    from conduct.apps.notifications.api import router as notifications
    from conduct.apps.products.api import router as products
    from conduct.apps.products.api_advisories import router as advisories
    from conduct.apps.products.api_disclosure import router as disclosure
    from conduct.apps.reports.api import router as reports
    from conduct.apps.screening.api import router as screening
    from conduct.apps.suppliers.api import router as suppliers
    from conduct.apps.workforce import api_actions  # noqa: F401 - its operations join the workforce router
    from conduct.apps.workforce.api import router as workforce
    from conduct.apps.workforce.api_people import router as policies
    from conduct.apps.workforce.api_training import router as training

    api.add_router("/v1/", accounts)
    api.add_router("/v1/", audit)
    api.add_router("/v1/", governance)
    api.add_router("/v1/", notifications)
    api.add_router("/v1/", gates)
    api.add_router("/v1/", suppliers)
    api.add_router("/v1/", catalog)
    api.add_router("/v1/", reports)
    api.add_router("/v1/", screening)
    api.add_router("/v1/", access)
    api.add_router("/v1/", workforce)
    api.add_router("/v1/", policies)
    api.add_router("/v1/", training)
    api.add_router("/v1/", grievances)
    api.add_router("/v1/", products)
    api.add_router("/v1/", disclosure)
    api.add_router("/v1/", advisories)
    api.add_router("/v1/", engagement)


_mount()
