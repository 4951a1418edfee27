"""Pages for second factors: the second step of signing in, and enrolling / removing one's own factors.

The password step (views.login_view) hands a user who has a factor to `login_verify_view` without signing
them in: the session holds only who passed the password (mfa.PENDING_KEY), for a few minutes. A wrong code
counts as a failed sign-in for that user name and address (django-axes' lock and Conduct's throttles), so
codes cannot be guessed faster than passwords.
"""

from __future__ import annotations

import json
import time
from typing import Any

from allauth.core import context as allauth_context
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts import mfa
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.errors import ServiceError


def safe_next(target: str) -> str:
    """`target` when it is a path on this site (never another host, "//evil.example"); else ""."""
    return target if target.startswith("/") and not target.startswith("//") else ""


def begin_second_step(request: HttpRequest, user: User, target: str) -> HttpResponse:
    """After the password step: remember who passed it and ask for the second factor."""
    request.session.cycle_key()
    request.session[mfa.PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": safe_next(target),
        "at": int(time.time()),
    }
    return redirect("login-verify")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(mfa.PENDING_KEY)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > mfa.PENDING_SECONDS:
        request.session.pop(mfa.PENDING_KEY, None)
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


def _locked(request: HttpRequest, user: User) -> bool:
    return not AxesProxyHandler.is_allowed(request, credentials={"username": user.username})


def _sign_in(request: HttpRequest, user: User, pending: dict[str, Any]) -> HttpResponse:
    request.session.pop(mfa.PENDING_KEY, None)
    login(request, user, backend=pending.get("backend"))
    request.session[mfa.SESSION_FLAG] = True
    return redirect(pending.get("next") or "home")


@require_http_methods(["GET", "POST"])
def login_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, a recovery code, or a security key."""
    if request.user.is_authenticated:
        return redirect("home")
    user, pending = _pending_user(request)
    if user is None:
        messages.error(request, _("Sign in again: the second step took too long or was not started."))
        return redirect("login")
    error = ""
    status = 200
    if request.method == "POST":
        if _locked(request, user):
            request.session.pop(mfa.PENDING_KEY, None)
            error = _("Too many failed attempts: this account is locked from your address for 15 minutes.")
            return render(request, "accounts/login.html", {"error": error}, status=429)
        raw = request.POST.get("credential") or ""
        credential: Any = None
        if raw:
            try:
                credential = json.loads(raw)
            except ValueError:
                credential = {}
        with allauth_context.request_context(request):
            method = mfa.verify_second_factor(
                user=user, code=request.POST.get("code", ""), credential=credential
            )
        if method is not None:
            if method == "recovery_code":
                messages.warning(
                    request,
                    _("You used a recovery code; it will not work again. Make new ones if few are left."),
                )
            return _sign_in(request, user, pending)
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        if _locked(request, user):
            request.session.pop(mfa.PENDING_KEY, None)
            error = _("Too many failed attempts: this account is locked from your address for 15 minutes.")
            return render(request, "accounts/login.html", {"error": error}, status=429)
        error = _("That code is not right. Enter the code your app shows now, or a recovery code.")
        status = 400
    with allauth_context.request_context(request):
        options = mfa.webauthn_request_options(user)
    has_totp = mfa.factors(user)["totp"] is not None
    context = {"error": error, "webauthn": options, "has_totp": has_totp}
    return render(request, "accounts/login_verify.html", context, status=status)


# --- the account's second factors ------------------------------------------------------------------


def _enrolment_context(request: HttpRequest, actor: User) -> dict[str, Any]:
    secret = request.session.get(mfa.TOTP_SECRET_KEY)
    if not secret:
        secret = request.session[mfa.TOTP_SECRET_KEY] = mfa.new_totp_secret()
    url = mfa.totp_url(actor, secret)
    with allauth_context.request_context(request):
        creation = mfa.webauthn_options(request, actor)
    return {
        "factors": mfa.factors(actor),
        "required": mfa.required_for(actor),
        "passed": mfa.session_passed(request),
        "secret": secret,
        "totp_url": url,
        "totp_qr": mfa.totp_qr_data_uri(url),
        "webauthn": creation,
    }


def _after_enrolment(request: HttpRequest, codes: list[str] | None) -> HttpResponse:
    """A factor was just proved in this session: it counts as passed. Show new recovery codes once."""
    request.session[mfa.SESSION_FLAG] = True
    request.session.pop(mfa.TOTP_SECRET_KEY, None)
    if codes:
        return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes})
    return redirect("mfa")


@login_required
def mfa_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(request, "accounts/mfa.html", _enrolment_context(request, actor))


def _form_error(request: HttpRequest, actor: User, exc: ServiceError) -> HttpResponse:
    context = _enrolment_context(request, actor)
    context["error"] = next(iter(exc.fields.values()), exc.message) if exc.fields else exc.message
    return render(request, "accounts/mfa.html", context, status=exc.status)


@login_required
@require_POST
def mfa_totp_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    try:
        codes = mfa.totp_enrol(
            actor=actor,
            user=actor,
            secret=str(request.session.get(mfa.TOTP_SECRET_KEY) or ""),
            code=request.POST.get("code", ""),
        )
    except ServiceError as exc:
        return _form_error(request, actor, exc)
    messages.success(request, _("Your authenticator app is enrolled."))
    return _after_enrolment(request, codes)


@login_required
@require_POST
def mfa_totp_remove_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    mfa.totp_remove(actor=actor, user=actor)
    messages.success(request, _("The authenticator app has been removed."))
    return redirect("mfa")


@login_required
@require_POST
def mfa_recovery_codes_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    try:
        codes = mfa.recovery_codes_regenerate(actor=actor, user=actor)
    except ServiceError as exc:
        return _form_error(request, actor, exc)
    return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def mfa_webauthn_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    try:
        credential = json.loads(request.POST.get("credential") or "null")
    except ValueError:
        credential = None
    try:
        with allauth_context.request_context(request):
            codes = mfa.webauthn_enrol(
                actor=actor, user=actor, name=request.POST.get("name", ""), credential=credential
            )
    except ServiceError as exc:
        return _form_error(request, actor, exc)
    messages.success(request, _("Your security key is enrolled."))
    return _after_enrolment(request, codes)


@login_required
@require_POST
def mfa_webauthn_remove_view(request: HttpRequest, key_id: int) -> HttpResponse:
    actor = request_actor(request)
    mfa.webauthn_remove(actor=actor, user=actor, key_id=key_id)
    messages.success(request, _("The security key has been removed."))
    return redirect("mfa")
