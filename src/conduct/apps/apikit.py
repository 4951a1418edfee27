"""What every app's JSON API shares: authentication, the one error shape, and pagination."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from conduct.apps.accounts.middleware import owes_second_factor
from conduct.apps.accounts.models import TokenScope, User
from conduct.apps.errors import Forbidden, Invalid, ServiceError
from conduct.db.bounds import MAX_DB_ID, MAX_OFFSET

log = logging.getLogger("conduct.api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID, description="A record id (1 to 2^63-1)")]


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; read tokens may only read."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from conduct.apps.accounts.services import token_authenticate

        api_token = token_authenticate(token)
        if api_token is None:
            return None
        # Who made the request, even when it is refused below: an investigator's attempts are ledgered too
        # (accounts.middleware).
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        if api_token.scope == TokenScope.SCIM:
            raise Forbidden(
                _("A SCIM token works only on the SCIM endpoints (/scim/v2/)."), code="scim_token"
            )
        if api_token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise Forbidden(
                _("This token is read-only; create a read-write token to change data."),
                code="read_only_token",
            )
        return api_token.user


class Session(SessionAuth):
    """The browser's login session (CSRF-checked for writes)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a logged-in session there is nothing for CSRF to protect: skip the check so an
        # anonymous caller or a bad bearer token gets 401 unauthenticated, not 403 csrf.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            if owes_second_factor(request):
                raise Forbidden(
                    _("Your role must use a second factor: enrol one at /account/mfa/ or sign in with it."),
                    code="mfa_required",
                )
            return user
        return None


AUTH = [BearerToken(), Session()]


class NotAJsonObject(ValueError):
    """The body is valid JSON but not an object (a list, a string, a number, null)."""


class ObjectBodyParser(Parser):
    """Every JSON body must be an object; otherwise ninja would read `[]` or `null` as an empty body and a
    PATCH of them would answer 200 having been sent nothing meaningful."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAJsonObject(type(data).__name__)
        return data


_JSON_TYPES = {
    "list": gettext_lazy("an array"),
    "str": gettext_lazy("a string"),
    "int": gettext_lazy("a number"),
    "float": gettext_lazy("a number"),
    "bool": gettext_lazy("a boolean"),
    "NoneType": "null",
}


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _loc_to_field(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja prefixes the location with where it came from ("body", "query", "path") and the param name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body", "filters", "params", "pagination"}:
            parts = parts[1:]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "body"


# The schema's own messages (pydantic's, English) by error type, for a caller who reads another language; the
# values come from the error's context (a limit, the expected values). English callers get pydantic's text.
_SCHEMA_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not allowed here."),
    "string_type": gettext_lazy("Expected text."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("Not in the expected form."),
    "int_type": gettext_lazy("Expected a whole number."),
    "int_parsing": gettext_lazy("Expected a whole number."),
    "int_from_float": gettext_lazy("Expected a whole number."),
    "int_parsing_size": gettext_lazy("The number is too large."),
    "finite_number": gettext_lazy("Expected a finite number."),
    "float_type": gettext_lazy("Expected a number."),
    "float_parsing": gettext_lazy("Expected a number."),
    "bool_type": gettext_lazy("Expected true or false."),
    "bool_parsing": gettext_lazy("Expected true or false."),
    "greater_than": gettext_lazy("Must be greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "literal_error": gettext_lazy("Expected one of: %(expected)s."),
    "enum": gettext_lazy("Expected one of: %(expected)s."),
    "list_type": gettext_lazy("Expected a list."),
    "too_short": gettext_lazy("At least %(min_length)s items."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "dict_type": gettext_lazy("Expected an object."),
    "model_type": gettext_lazy("Expected an object."),
    "model_attributes_type": gettext_lazy("Expected an object."),
    "date_type": gettext_lazy("Expected a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Expected a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Expected a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": gettext_lazy("Expected a date without a time (YYYY-MM-DD)."),
    "datetime_type": gettext_lazy("Expected a date and time (ISO 8601)."),
    "datetime_parsing": gettext_lazy("Expected a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Expected a date and time (ISO 8601)."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
}


def _schema_message(err: dict[str, Any]) -> str:
    """One schema error's message in the caller's language (pydantic's own English for English callers)."""
    english = str(err.get("msg") or _("invalid"))
    kind = str(err.get("type", ""))
    if (get_language() or "en").startswith("en"):
        return english
    values = {key: str(value) for key, value in (err.get("ctx") or {}).items()}
    if kind == "value_error" and values.get("error"):
        return values["error"]  # a schema's own validator raised it with a translated message
    template = _SCHEMA_MESSAGES.get(kind)
    if template is None:
        return english
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return english


def _validation_error(exc: ValidationError) -> tuple[int, dict[str, Any]]:
    """A schema validation failure: 400 bad_json for a body that is not JSON, else 422 with the fields."""
    fields: dict[str, str] = {}
    for err in exc.errors:
        field = _loc_to_field(err.get("loc", ()))
        fields.setdefault(field, _schema_message(err))
    if any(str(e.get("type", "")) == "json_invalid" for e in exc.errors):
        return 400, error_body("bad_json", _("The request body is not valid JSON."), fields)
    return 422, error_body("invalid", _("Some fields are not valid."), fields)


_HTTP_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
}


def _http_error(exc: HttpError) -> tuple[int, dict[str, Any]]:
    """ninja's HttpError (a body that is not a JSON object, unparsable JSON, CSRF, ...) in the one shape."""
    message = str(exc)
    if isinstance(exc.__cause__, NotAJsonObject):
        got = _JSON_TYPES.get(str(exc.__cause__)) or _("not an object")
        return 422, error_body(
            "invalid",
            _("The request body must be a JSON object."),
            {"body": _("Expected a JSON object, got %(got)s.") % {"got": got}},
        )
    if exc.status_code == 400 and "parse" in message.lower():
        return 400, error_body("bad_json", _("The request body is not valid JSON."))
    if exc.status_code == 403 and "csrf" in message.lower():
        return 403, error_body("csrf", _("CSRF check failed; reload the page or use a token."))
    return exc.status_code, error_body(_HTTP_CODES.get(exc.status_code, "error"), message)


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    api.parser = ObjectBodyParser()

    @api.exception_handler(ServiceError)
    def _service(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.message, exc.fields))

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, *_validation_error(exc))

    @api.exception_handler(AuthenticationError)
    def _unauth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request,
            401,
            error_body(
                "unauthenticated", _("Log in, or send 'Authorization: Bearer <token>' with an active token.")
            ),
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, *_http_error(exc))

    @api.exception_handler(Http404)
    def _404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", str(exc) or _("Not found.")))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return respond(
            request,
            413,
            error_body("too_large", _("The request body is larger than %(limit)s bytes.") % {"limit": limit}),
        )

    @api.exception_handler(Exception)
    def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("unhandled API error", extra={"path": request.path})
        return respond(
            request,
            500,
            error_body("server_error", _("Something went wrong on our side; it has been logged.")),
        )


class Page(PaginationBase):
    """limit/offset pagination answering {"items": [...], "count": N, "limit": L, "offset": O}."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="Items per page (1-500)")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip (0-{MAX_OFFSET:,})")

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    items_attribute = "items"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": queryset.count()
            if hasattr(queryset, "count") and not isinstance(queryset, list)
            else len(queryset),
            "limit": limit,
            "offset": offset,
        }


def actor_of(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def json_object_body(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, for endpoints that also take multipart; they parse it themselves."""
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceError(_("The request body is not valid JSON."), code="bad_json") from None
    if not isinstance(body, dict):
        raise Invalid(
            _("The request body must be a JSON object."), fields={"body": _("Expected a JSON object.")}
        )
    return body


def decode_base64(value: Any, field: str) -> bytes:
    """A file sent as base64 text in a JSON body; a specific error on `field` otherwise."""
    if not isinstance(value, str):
        raise Invalid(
            _("The file content is not valid."), fields={field: _("Expected the file as a base64 string.")}
        )
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("The file content is not valid."), fields={field: _("Not valid base64.")}) from None
