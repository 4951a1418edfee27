"""Per-request bookkeeping of signed-in sessions (accounts.sessions), the second-factor gate, and time-limited
access (issue 18): an ended session is logged out before any page runs, and every request an investigator
makes is ledgered (`investigator.read`: method, path, status; never a body)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import info
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from conduct.apps.accounts import mfa
from conduct.apps.accounts.investigators import investigator_read_record
from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.sessions import stamp

# What a session that owes a second factor may still reach: the enrolment pages, signing out, the language
# switch, static files and the health check. The API answers such a session 403 mfa_required (apikit).
_OPEN_PREFIXES = ("/account/mfa/", "/logout/", "/language/", "/static/", "/healthz", "/favicon.ico", "/api/")


class SessionActivityMiddleware:
    """Stamps the signed-in session's `last seen` (at most every few minutes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        stamp(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """A signed-in user whose role must use a second factor (settings.MFA_REQUIRED_ROLES) and whose session
    has not passed one is sent to enrol one (or, holding one already, to sign in again through it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = settings.MFA_REQUIRED_ROLES and owes_second_factor(request)
        if held and not request.path.startswith(_OPEN_PREFIXES):
            if mfa.has_factor(request.user):  # type: ignore[arg-type]
                logout(request)
                info(request, _("Sign in again with your second factor."))
                return redirect("login")
            return redirect("mfa")
        return self.get_response(request)


def owes_second_factor(request: HttpRequest) -> bool:
    """Whether this signed-in session must pass a second factor before it reaches any data."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(mfa.required_for(user) and not mfa.session_passed(request))


class AccessExpiryMiddleware:
    """After AuthenticationMiddleware. A signed-in user whose `access_until` has passed is logged out, so the
    page sends them to the login page (and the API answers 401) without anyone acting. Bearer tokens are
    refused in accounts.services.token_authenticate. After the response, an investigator's request (by
    session or by token: the API's token check puts the token's user on the request) is ledgered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and isinstance(user, User) and user.access_expired():
            logout(request)
        response = self.get_response(request)
        actor = getattr(request, "user", None)
        if (
            isinstance(actor, User)
            and actor.is_authenticated
            and actor.role == Role.INVESTIGATOR
            and not actor.access_expired()
        ):
            path = request.get_full_path()
            investigator_read_record(
                user=actor, method=request.method or "GET", path=path, status=response.status_code
            )
        return response
