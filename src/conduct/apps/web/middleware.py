"""Request plumbing: the client's address behind trusted proxies, one structured log line per request, the
Permissions-Policy header, bounded uploads, refusal of NUL bytes, and error pages for service errors."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from functools import cache
from ipaddress import ip_address
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from conduct.apps.apikit import error_body
from conduct.apps.errors import ServiceError
from conduct.apps.web.uploads import FORM_ALLOWANCE, UploadTooLarge, too_large_message, upload_limit

log = logging.getLogger("conduct.request")

Middleware = Callable[[HttpRequest], HttpResponse]


def resolve_client_address(peer: str, forwarded_for: str, trusted: list[Any]) -> str:
    """The client's address: `peer` unless it is a trusted proxy; then the last X-Forwarded-For hop that is
    not a trusted proxy itself (hops to the left of it were written by the client and prove nothing)."""
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_address(hop):
            return peer
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: list[Any]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed.version == net.version and parsed in net for net in trusted)


# What the anonymous intake paths never keep: the address (and anything a proxy says about it), the user
# agent, cookies, the referrer. Removed from the request before any middleware, view or log can see them.
_PRIVATE_META = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_USER_AGENT",
    "HTTP_COOKIE",
    "HTTP_REFERER",
)
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address


def is_private_intake(path: str) -> bool:
    """Whether `path` is an anonymous intake path (PRIVATE_INTAKE_PATHS: /report/, the public grievance
    API)."""
    return any(re.match(pattern, path) for pattern in settings.PRIVATE_INTAKE_PATHS)


class PrivateIntakeMiddleware:
    """On the anonymous intake paths: drop the client's address, user agent, cookies and referrer from the
    request (so no session, login, throttle or log can see them), and any cookie from the response. The
    trusted-proxy address resolution below is skipped for these paths."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_private_intake(request.path):
            return self.get_response(request)
        request.private_intake = True  # type: ignore[attr-defined]
        request.META["REMOTE_ADDR"] = UNKNOWN_ADDRESS
        for key in _PRIVATE_META:
            request.META.pop(key, None)
        request.COOKIES = {}
        response = self.get_response(request)
        response.cookies.clear()
        return response


def client_address(request: HttpRequest) -> str:
    """The client address every part of Conduct uses (login throttling, logs); see ClientAddressMiddleware."""
    return str(request.META.get("REMOTE_ADDR", ""))


class ClientAddressMiddleware:
    """Puts the client's address in REMOTE_ADDR when the request came through a trusted proxy
    (TRUSTED_PROXIES), so that login throttling counts clients, not the proxy. The peer's own address stays
    in PEER_ADDR."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "private_intake", False):  # no address to resolve: it was dropped
            return self.get_response(request)
        meta = request.META
        peer = str(meta.get("REMOTE_ADDR", ""))
        meta["PEER_ADDR"] = peer
        trusted = settings.TRUSTED_PROXIES
        if trusted:  # none trusted (the default): the peer is the client
            meta["REMOTE_ADDR"] = resolve_client_address(
                peer, str(meta.get("HTTP_X_FORWARDED_FOR", "")), trusted
            )
        return self.get_response(request)


# What django-csp's decorators (csp_update, csp_replace, csp_exempt, ...) set on a response.
_CSP_OVERRIDES = frozenset(
    {
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    }
)


class SecurityHeadersMiddleware(CSPMiddleware):
    """Content-Security-Policy (django-csp, CONTENT_SECURITY_POLICY) and Permissions-Policy (no camera,
    microphone, location and the like: PERMISSIONS_POLICY) on every response.

    django-csp builds the policy text anew for every response; here the headers are built once from the
    settings (again when a test changes them) and reused, unless a view asked for something of its own (a
    nonce, csp_update/replace/exempt), which goes through django-csp's own path unchanged."""

    def __init__(self, get_response: Middleware) -> None:
        super().__init__(get_response)
        # What request.csp_nonce becomes once the header is written (reading it then is an error); it holds
        # nothing of the request, so one serves every request.
        self._too_late = CheckableLazyObject(self._csp_nonce_post_response)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        policies, permissions, debug = _security_headers()
        if getattr(request, "_csp_nonce", None) is not None or not _CSP_OVERRIDES.isdisjoint(vars(response)):
            response = super().process_response(request, response)
        elif not (debug and response.status_code in (500, 404)):  # django-csp spares Django's debug pages
            for header, text, excluded in policies:
                if header not in response and not (excluded and request.path_info.startswith(excluded)):
                    response[header] = text
            request.csp_nonce = self._too_late  # type: ignore[attr-defined]
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response


@cache
def _security_headers() -> tuple[list[tuple[str, str, tuple[str, ...]]], str, bool]:
    """The policy headers as (header, text, excluded path prefixes), the Permissions-Policy text and DEBUG,
    from the current settings."""
    policies = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        text = build_policy(report_only=report_only)
        if text:
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            policies.append((header, text, tuple(prefixes)))
    return policies, str(settings.PERMISSIONS_POLICY or ""), bool(settings.DEBUG)


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    _security_headers.cache_clear()


def _refuse(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    """An error in the API's JSON shape under /api/, else the error page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message, fields), status=status)
    return render(
        request,
        "web/error.html",
        {"status": status, "message": message, "fields": fields or {}},
        status=status,
    )


class UploadLimitMiddleware:
    """Refuses (413) a multipart request whose Content-Length is over the path's upload limit before reading
    it, and parses the others here, through the limited upload handlers (conduct.apps.web.uploads), so that a
    body that turns out larger while it is read is refused too, before any view or CSRF check touches it."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and (request.content_type or "").startswith("multipart/"):
            limit = upload_limit(request.path)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit + FORM_ALLOWANCE:
                return _refuse(request, 413, "too_large", too_large_message(limit))
            try:
                request.POST  # noqa: B018 - parse now, with the limits
                request.FILES  # noqa: B018
            except UploadTooLarge as exc:
                return _refuse(request, 413, "too_large", too_large_message(exc.limit))
            except MultiPartParserError as exc:
                return _refuse(request, 400, "bad_request", _("The multipart body is malformed: %s") % exc)
        return self.get_response(request)


NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _clean(name: str) -> str:
    return name.replace("\x00", "\\x00")


def _nul_in_json(value: Any) -> str | None:
    """Where (a.b[0]) a JSON document holds a NUL character in a string or a key; walked without recursion."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return where or "body"
        elif isinstance(item, dict):
            for key, sub in item.items():
                path = f"{where}.{key}" if where else str(key)
                if NUL in str(key):
                    return _clean(path)
                stack.append((path, sub))
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", sub) for index, sub in enumerate(item))
    return None


def nul_field(request: HttpRequest) -> str | None:
    """The first place (query parameter, form field, file name or JSON member) holding a NUL character.

    No database stores one in text (PostgreSQL refuses it with an error; SQLite cuts the text there), so it is
    refused before it reaches one."""
    query = request.META.get("QUERY_STRING", "")
    if query and ("%00" in query or NUL in query):  # the only ways a decoded name or value holds one
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in v for v in values):
                return _clean(key)
    if not request.META.get("CONTENT_LENGTH"):
        return None  # no body (Django reads none without a Content-Length)
    content_type = request.content_type or ""
    try:
        if request.method == "POST" and content_type in _FORM_TYPES:
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    return _clean(key)
            for key, files in request.FILES.lists():
                if any(NUL in (f.name or "") for f in files):
                    return _clean(key)
        elif content_type == "application/json" or content_type.endswith("+json"):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                return _nul_in_json(json.loads(body))
    except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        return None  # the view meets the same problem and answers it as before
    except (ValueError, RecursionError):
        return None  # not JSON: the API's parser answers 400 bad_json
    return None


class BadInputMiddleware:
    """Answers 422 with a field error for a NUL character anywhere in the request's text (every database),
    and 404 for one in its path."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:  # no page, endpoint or object is named with one
            return _refuse(
                request, 404, "not_found", _("Nothing is at %(path)s.") % {"path": repr(request.path)}
            )
        field = nul_field(request)
        if field is not None:
            return _refuse(
                request,
                422,
                "invalid",
                _("Some fields are not valid."),
                {field: _("Contains a NUL character (\\x00), which text may not hold.")},
            )
        return self.get_response(request)


class RequestLogMiddleware:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if getattr(request, "private_intake", False):  # the path and status only: nobody to name
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": None,
                },
            )
        elif not request.path.startswith("/static/"):
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

    def __init__(self, get_response: Middleware) -> None:
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
    status = response.status_code
    allowed = response.get("Allow", "")
    if status == 405:
        message = _("%(method)s is not allowed here; use %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed or _("another method"),
        }
    elif status == 404:
        message = _("No API endpoint at %(path)s.") % {"path": request.path}
    else:
        message = getattr(response, "reason_phrase", "") or _("The request failed.")
    code = _API_CODES.get(status, "server_error" if status >= 500 else "error")
    replacement = JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    if allowed:
        replacement["Allow"] = allowed
    return replacement


class UserLanguageMiddleware:
    """After AuthenticationMiddleware (and LocaleMiddleware, which read the browser's Accept-Language and the
    language cookie): a signed-in user's own choice (`User.language`) wins. Only requests with a session
    cookie look the user up, so the API with tokens and static files pay nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
            if chosen:
                translation.activate(chosen)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
