"""Per-request bookkeeping of signed-in sessions (accounts.sessions) and the second-factor gate."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import info
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from conduct.apps.accounts import mfa
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
