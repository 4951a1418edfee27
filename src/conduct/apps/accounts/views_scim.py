"""SCIM 2.0 endpoints for the identity provider (RFC 7644): /scim/v2/Users and /scim/v2/Groups.

Authenticated by the bearer token of a service account whose token has the `scim` scope (and only by such a
token: a SCIM token works nowhere else, other tokens and sessions get 401 here). Errors use SCIM's own error
shape (RFC 7644 3.12). The writes are accounts.provisioning's services.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from conduct.apps.accounts import provisioning
from conduct.apps.accounts.models import ProvisionedGroup, TokenScope, User
from conduct.apps.accounts.services import token_authenticate
from conduct.apps.errors import Conflict, Invalid, NotFound, ServiceError

CONTENT_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
MAX_COUNT = 200


def _json(body: Any, status: int = 200, location: str | None = None) -> HttpResponse:
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def _error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return _json(body, status)


def _service_error(exc: ServiceError) -> HttpResponse:
    detail = exc.message + "".join(f" {field}: {msg}" for field, msg in exc.fields.items())
    if isinstance(exc, Conflict):
        return _error(409, detail, "uniqueness")
    if isinstance(exc, NotFound):
        return _error(404, detail)
    if isinstance(exc, Invalid):
        kind = "invalidFilter" if "filter" in exc.fields else "invalidValue"
        return _error(400, detail, kind)
    return _error(exc.status, detail)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2")


def user_resource(request: HttpRequest, user: User) -> dict[str, Any]:
    return {
        "schemas": [provisioning.USER_SCHEMA],
        "id": str(user.pk),
        "externalId": user.external_id or None,
        "userName": user.username,
        "name": {"givenName": user.first_name, "familyName": user.last_name},
        "displayName": user.display_name,
        "emails": [{"value": user.email, "primary": True, "type": "work"}] if user.email else [],
        "active": user.is_active,
        "groups": [
            {"value": str(g.pk), "display": g.display_name, "$ref": f"{_base(request)}/Groups/{g.pk}"}
            for g in user.provisioned_groups.all()
        ],
        "meta": {
            "resourceType": "User",
            "created": user.date_joined.isoformat(),
            "lastModified": user.date_joined.isoformat(),
            "location": f"{_base(request)}/Users/{user.pk}",
        },
    }


def group_resource(request: HttpRequest, group: ProvisionedGroup) -> dict[str, Any]:
    return {
        "schemas": [provisioning.GROUP_SCHEMA],
        "id": str(group.pk),
        "externalId": group.external_id or None,
        "displayName": group.display_name,
        "members": [
            {"value": str(u.pk), "display": u.username, "$ref": f"{_base(request)}/Users/{u.pk}"}
            for u in group.members.all()
        ],
        "meta": {
            "resourceType": "Group",
            "created": group.created_at.isoformat(),
            "lastModified": group.updated_at.isoformat(),
            "location": f"{_base(request)}/Groups/{group.pk}",
        },
    }


def _actor(request: HttpRequest) -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = token_authenticate(header[7:].strip())
    if token is None or token.scope != TokenScope.SCIM:
        return None
    return token.user


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Invalid(_("The body is not JSON."), fields={"body": _("Expected JSON.")}) from None


def _page(
    request: HttpRequest, rows: Any, render: Callable[[HttpRequest, Any], dict[str, Any]]
) -> HttpResponse:
    try:
        start = max(1, int(request.GET.get("startIndex", "1")))
        count = min(MAX_COUNT, max(0, int(request.GET.get("count", str(MAX_COUNT)))))
    except ValueError:
        return _error(400, "startIndex and count must be whole numbers.", "invalidValue")
    total = rows.count()
    items = list(rows[start - 1 : start - 1 + count]) if count else []
    return _json(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(items),
            "Resources": [render(request, item) for item in items],
        }
    )


def _scim(handler: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = _actor(request)
        if actor is None:
            response = _error(401, "A SCIM bearer token is required.")
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        try:
            return handler(request, actor, *args, **kwargs)
        except ServiceError as exc:
            return _service_error(exc)

    view.__name__ = handler.__name__
    return view


@_scim
def users_view(request: HttpRequest, actor: User) -> HttpResponse:
    if request.method == "GET":
        return _page(
            request, provisioning.user_list(actor=actor, filter_text=request.GET.get("filter")), user_resource
        )
    if request.method == "POST":
        user = provisioning.scim_user_create(actor=actor, data=_body(request))
        resource = user_resource(request, user)
        return _json(resource, 201, location=resource["meta"]["location"])
    return _error(405, "Use GET or POST.")


@_scim
def user_view(request: HttpRequest, actor: User, user_id: str) -> HttpResponse:
    user = provisioning.get_user(actor=actor, user_id=user_id)
    if request.method == "GET":
        return _json(user_resource(request, user))
    if request.method == "PUT":
        return _json(
            user_resource(
                request, provisioning.scim_user_replace(actor=actor, user=user, data=_body(request))
            )
        )
    if request.method == "PATCH":
        return _json(
            user_resource(request, provisioning.scim_user_patch(actor=actor, user=user, body=_body(request)))
        )
    if request.method == "DELETE":
        provisioning.scim_user_deactivate(actor=actor, user=user)
        return HttpResponse(status=204)
    return _error(405, "Use GET, PUT, PATCH or DELETE.")


@_scim
def groups_view(request: HttpRequest, actor: User) -> HttpResponse:
    if request.method == "GET":
        rows = provisioning.group_list(actor=actor, filter_text=request.GET.get("filter"))
        return _page(request, rows, group_resource)
    if request.method == "POST":
        group = provisioning.scim_group_create(actor=actor, data=_body(request))
        resource = group_resource(request, group)
        return _json(resource, 201, location=resource["meta"]["location"])
    return _error(405, "Use GET or POST.")


@_scim
def group_view(request: HttpRequest, actor: User, group_id: str) -> HttpResponse:
    group = provisioning.get_group(actor=actor, group_id=group_id)
    if request.method == "GET":
        return _json(group_resource(request, group))
    if request.method == "PUT":
        updated = provisioning.scim_group_replace(actor=actor, group=group, data=_body(request))
        return _json(group_resource(request, updated))
    if request.method == "PATCH":
        updated = provisioning.scim_group_patch(actor=actor, group=group, body=_body(request))
        return _json(group_resource(request, updated))
    if request.method == "DELETE":
        provisioning.scim_group_delete(actor=actor, group=group)
        return HttpResponse(status=204)
    return _error(405, "Use GET, PUT, PATCH or DELETE.")


@_scim
def service_provider_config_view(request: HttpRequest, actor: User) -> HttpResponse:
    return _json(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": MAX_COUNT},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {"type": "oauthbearertoken", "name": "Bearer token", "description": "A Conduct SCIM token."}
            ],
        }
    )
