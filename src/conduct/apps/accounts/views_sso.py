"""Pages of single sign-on: off to the identity provider, back from it, and the page for a refusal.

After the provider's answer is checked (accounts.sso_oidc / accounts.sso_saml) and the user resolved
(accounts.sso), signing in is the same as after a password: a user with a second factor passes it
(views_mfa.begin_second_step), and a role that must have one enrols before reaching any data
(SecondFactorMiddleware). The provider's own second factor is not taken in its place.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from conduct.apps.accounts import mfa, sso_oidc, sso_saml
from conduct.apps.accounts.models import User
from conduct.apps.accounts.sso import Identity, Outcome, resolve_identity
from conduct.apps.accounts.views_mfa import begin_second_step, safe_next

logger = logging.getLogger(__name__)
_NEXT_KEY = "conduct_sso_next"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in_options() -> list[dict[str, str]]:
    """The identity providers the login page offers (none when SSO is not configured)."""
    options = []
    if sso_oidc.enabled():
        options.append(
            {"url_name": "sso-oidc-login", "label": settings.SSO_OIDC_LABEL or _("Single sign-on")}
        )
    if sso_saml.enabled():
        options.append(
            {"url_name": "sso-saml-login", "label": settings.SSO_SAML_LABEL or _("Single sign-on (SAML)")}
        )
    return options


def no_access(request: HttpRequest, outcome: Outcome, *, status: int = 403) -> HttpResponse:
    """The page for a sign-in the identity provider vouched for but Conduct refuses, or could not check."""
    return render(
        request,
        "accounts/no_access.html",
        {"reason": outcome.reason, "message": outcome.message, "groups": outcome.details.get("groups", [])},
        status=status,
    )


def _provider_error(request: HttpRequest, protocol: str, detail: str) -> HttpResponse:
    logger.warning("sso %s answer refused: %s", protocol, detail)
    message = _("The identity provider's answer could not be used: %(detail)s") % {"detail": detail[:300]}
    return no_access(request, Outcome(reason="provider", message=message), status=400)


def _finish(request: HttpRequest, identity: Identity, target: str) -> HttpResponse:
    outcome = resolve_identity(identity)
    user: User | None = outcome.user
    if user is None:
        return no_access(request, outcome)
    user.backend = _BACKEND
    if mfa.has_factor(user):  # the second step, exactly as after a password
        return begin_second_step(request, user, target)
    login(request, user, backend=_BACKEND)
    return redirect(safe_next(target) or "home")


@require_GET
def oidc_login_view(request: HttpRequest) -> HttpResponse:
    if not sso_oidc.enabled():
        raise Http404(_("OpenID Connect sign-in is not configured."))
    request.session[_NEXT_KEY] = safe_next(request.GET.get("next", ""))
    try:
        return sso_oidc.redirect_to_provider(request)
    except sso_oidc.provider_errors() as exc:
        return _provider_error(request, "oidc", str(exc) or type(exc).__name__)


@require_GET
def oidc_callback_view(request: HttpRequest) -> HttpResponse:
    if not sso_oidc.enabled():
        raise Http404(_("OpenID Connect sign-in is not configured."))
    try:
        identity = sso_oidc.identity_from_callback(request)
    except sso_oidc.provider_errors() as exc:
        return _provider_error(request, "oidc", str(exc) or type(exc).__name__)
    return _finish(request, identity, request.session.pop(_NEXT_KEY, ""))


@require_GET
def saml_login_view(request: HttpRequest) -> HttpResponse:
    if not sso_saml.enabled():
        raise Http404(_("SAML sign-in is not configured."))
    try:
        return redirect(sso_saml.login_url(safe_next(request.GET.get("next", ""))))
    except Exception as exc:  # noqa: BLE001 - pysaml2 reading bad or unreachable metadata: show it, not a 500
        return _provider_error(request, "saml", str(exc) or type(exc).__name__)


@csrf_exempt  # a cross-site POST from the provider: it must answer a request Conduct sent (sso_saml)
@require_POST
def saml_acs_view(request: HttpRequest) -> HttpResponse:
    if not sso_saml.enabled():
        raise Http404(_("SAML sign-in is not configured."))
    answer = request.POST.get("SAMLResponse", "")
    if not answer:
        return _provider_error(request, "saml", _("the request holds no SAMLResponse"))
    try:
        identity, target = sso_saml.identity_from_answer(answer)
    except sso_saml.SamlAnswerError as exc:
        return _provider_error(request, "saml", str(exc))
    return _finish(request, identity, target)


@require_GET
def saml_metadata_view(request: HttpRequest) -> HttpResponse:
    if not sso_saml.enabled():
        raise Http404(_("SAML sign-in is not configured."))
    return HttpResponse(sso_saml.metadata_xml(), content_type="application/samlmetadata+xml")
