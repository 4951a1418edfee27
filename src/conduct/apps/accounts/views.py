"""Pages for login, the organisation tree, liaisons, users and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts import mfa, selectors, services, sessions
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.forms import LiaisonForm, OrgUnitForm, TokenForm, UserForm
from conduct.apps.accounts.models import User
from conduct.apps.accounts.sso import Outcome
from conduct.apps.accounts.views_mfa import begin_second_step, safe_next
from conduct.apps.accounts.views_sso import no_access, sign_in_options
from conduct.apps.errors import ServiceError


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def throttle_wait(username: str, ip: str) -> int:
    """Seconds the next attempt for this username and address must wait: doubles with each failure."""
    attempt = AccessAttempt.objects.filter(username=username, ip_address=ip).order_by("-attempt_time").first()
    if attempt is None or attempt.failures_since_start < 2:
        return 0
    delay = min(2 ** (attempt.failures_since_start - 1), 30)
    ready = attempt.attempt_time + timedelta(seconds=delay)
    remaining = (ready - timezone.now()).total_seconds()
    return max(0, int(remaining + 0.999))


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    form = AuthenticationForm(request)
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "error": _("Too many failed attempts: this account is locked from your address for 15 minutes."),
            "sso_options": sign_in_options(),
        },
        status=429,
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    error = ""
    status = 200
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        wait = throttle_wait(username, _client_ip(request))
        if wait:
            error = _("Too many failed attempts. Wait %(seconds)s seconds before trying again.") % {
                "seconds": wait
            }
            status = 429
        elif form.is_valid():
            target = request.POST.get("next") or request.GET.get("next") or ""
            user = form.get_user()
            if mfa.has_factor(user):  # not signed in until the second step passes
                return begin_second_step(request, user, target)
            login(request, user)
            return redirect(safe_next(target) or "home")
        else:
            error = _("That user name and password do not match an active account.")
            status = 400
    context = {"form": form, "error": error, "sso_options": sign_in_options()}
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.access_pending:  # signed in, but no group of theirs maps to a role (SCIM or SSO)
        message = _("None of your groups at the identity provider gives access to Conduct.")
        groups = sorted(actor.provisioned_groups.values_list("display_name", flat=True))
        return no_access(request, Outcome(reason="unmapped", message=message, details={"groups": groups}))
    return redirect(selectors.home_page(actor=actor))


@login_required
def orgunit_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    units = selectors.orgunit_index(
        actor=actor,
        filters=selectors.OrgUnitFilters(kind=request.GET.get("kind") or None, q=request.GET.get("q")),
    )
    form = OrgUnitForm(units=selectors.orgunit_list(actor=actor))  # shown to `orgunits.change` (may)
    template = "accounts/_orgunit_rows.html" if request.htmx else "accounts/orgunits.html"
    return render(request, template, {"units": units, "form": form})


@login_required
@require_POST
def orgunit_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    scoped_units = selectors.unit_choices(actor=actor, permission="orgunits.change")
    form = OrgUnitForm(request.POST, units=scoped_units)
    if form.is_valid():
        try:
            unit = services.orgunit_create(actor=actor, **form.cleaned_data)
            messages.success(request, _("Created %(name)s.") % {"name": unit.name})
            return redirect("orgunits")
        except ServiceError as exc:
            for field, msg in exc.fields.items():
                form.add_error(field if field in form.fields else None, msg)
            if not exc.fields:
                form.add_error(None, exc.message)
    units = selectors.orgunit_list(actor=actor)
    return render(request, "accounts/orgunits.html", {"units": units, "form": form}, status=422)


@login_required
def orgunit_detail_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = request_actor(request)
    unit = selectors.orgunit_get(actor=actor, unit_id=unit_id)
    children = selectors.orgunit_list(actor=actor, filters=selectors.OrgUnitFilters(parent=unit.pk))
    liaisons = selectors.liaison_list(actor=actor, unit_id=unit.pk)
    # A unit's parent may lie outside the viewer's subtrees: named, but linked only when its page answers.
    parent_visible = unit.parent_id is not None and (
        selectors.orgunit_list(actor=actor).filter(pk=unit.parent_id).exists()
    )
    context = {"unit": unit, "children": children, "liaisons": liaisons, "parent_visible": parent_visible}
    return render(request, "accounts/orgunit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def liaisons_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    liaisons = selectors.liaison_index(actor=actor)
    if request.method == "POST":
        units = selectors.unit_choices(actor=actor, permission="liaisons.change")
    else:
        units = selectors.orgunit_list(actor=actor)
    form = LiaisonForm(request.POST or None, units=units)  # shown to `liaisons.change` (may)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = User.objects.filter(username=form.cleaned_data["username"]).first()
            if user is None:
                form.add_error("username", _("No user with that name."))
            else:
                try:
                    services.liaison_assign(
                        actor=actor,
                        user=user,
                        unit=form.cleaned_data["org_unit"],
                        is_primary=form.cleaned_data["is_primary"],
                    )
                    messages.success(
                        request,
                        _("%(user)s is now a liaison for %(unit)s.")
                        % {"user": user.username, "unit": form.cleaned_data["org_unit"]},
                    )
                    return redirect("liaisons")
                except ServiceError as exc:
                    form.add_error(None, exc.message)
        status = 422
    context = {
        "liaisons": liaisons,
        "uncovered": selectors.units_without_liaison(actor=actor),
        "coverage": selectors.coverage(actor=actor),
        "form": form,
    }
    return render(request, "accounts/liaisons.html", context, status=status)


@login_required
@require_POST
def liaison_remove_view(request: HttpRequest, liaison_id: int) -> HttpResponse:
    actor = request_actor(request)
    liaison = selectors.liaison_for_change(actor=actor, liaison_id=liaison_id)
    services.liaison_remove(actor=actor, liaison=liaison)
    messages.success(request, _("Liaison removed."))
    return redirect("liaisons")


@login_required
@require_http_methods(["GET", "POST"])
def users_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    users = selectors.user_index(actor=actor, role=request.GET.get("role") or None, q=request.GET.get("q"))
    form = UserForm()  # shown to `users.manage` (may)
    status = 200
    if request.method == "POST":
        # the units a new user may be scoped to: 403 for a role that may not manage users, before the form
        units = selectors.unit_choices(actor=actor, permission="users.manage")
        form = UserForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_create(
                    actor=actor,
                    username=data["username"],
                    role=data["role"],
                    password=data["password"] or None,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    scope_units=list(data["scope_units"]),
                )
                messages.success(request, _("Created %(name)s.") % {"name": user.username})
                return redirect("users")
            except ServiceError as exc:
                for field, msg in exc.fields.items():
                    form.add_error(field if field in form.fields else None, msg)
                if not exc.fields:
                    form.add_error(None, exc.message)
        status = 422
    return render(request, "accounts/users.html", {"users": users, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    tokens = selectors.token_list(actor=actor)
    form = TokenForm(request.POST or None, initial={"expires_days": 90, "scope": "read"})
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, secret = services.token_create(
                    actor=actor,
                    user=actor,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_days=form.cleaned_data["expires_days"],
                )
                form = TokenForm(initial={"expires_days": 90, "scope": "read"})
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = 422
        else:
            status = 422
    return render(
        request, "accounts/tokens.html", {"tokens": tokens, "form": form, "secret": secret}, status=status
    )


@login_required
def sessions_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    own = selectors.session_list(actor=actor)
    everyone = (
        selectors.session_list(actor=actor, everyone=True, username=request.GET.get("user") or None)
        if request.GET.get("everyone")
        else None
    )
    context = {"own": own, "everyone": everyone, "current": request.session.session_key}
    return render(request, "accounts/sessions.html", context)


@login_required
@require_POST
def session_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = request_actor(request)
    session = selectors.session_get(actor=actor, session_id=session_id)
    was_current = session.session_key == request.session.session_key
    sessions.session_end(actor=actor, session=session)
    if was_current:
        logout(request)
        return redirect("login")
    messages.success(request, _("The session has been ended."))
    return redirect(safe_next(request.POST.get("next") or "") or "sessions")


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = request_actor(request)
    token = selectors.token_get(actor=actor, token_id=token_id)
    try:
        services.token_revoke(actor=actor, token=token)
        messages.success(request, _("Revoked %(name)s.") % {"name": token.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("tokens")


@login_required
@require_POST
def user_mfa_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """An administrator removes the second factors of a user who lost theirs (mfa.mfa_reset checks)."""
    actor = request_actor(request)
    user = selectors.user_for(actor=actor, user_id=user_id)
    removed = mfa.mfa_reset(actor=actor, user=user)
    messages.success(
        request,
        ngettext(
            "Removed %(count)s second factor of %(name)s: they enrol again at their next sign-in.",
            "Removed %(count)s second factors of %(name)s: they enrol again at their next sign-in.",
            removed,
        )
        % {"count": removed, "name": user.username},
    )
    return redirect("users")
