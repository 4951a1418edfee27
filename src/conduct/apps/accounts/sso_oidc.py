"""OpenID Connect sign-in through Authlib's Django client (authorization code flow with PKCE, state and
nonce; the ID token's signature, issuer, audience, expiry and nonce are checked against the provider's
published configuration and keys).

Configured by SSO_OIDC_ISSUER (its /.well-known/openid-configuration is read), SSO_OIDC_CLIENT_ID,
SSO_OIDC_CLIENT_SECRET and SSO_OIDC_SCOPES; the claims read are SSO_OIDC_USERNAME_CLAIM (then `email`, then
`sub`) and SSO_OIDC_GROUPS_CLAIM, from the ID token or, when it lacks the groups, from the userinfo endpoint.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from conduct.apps.accounts.sso import Identity

# Authlib (and requests under it) is imported on first use: a process that never signs anyone in through
# OpenID Connect (the CLI, the worker, a server without SSO) does not pay for it.


def provider_errors() -> tuple[type[Exception], ...]:
    """What a provider's answer can fail with: its protocol's errors, a bad or forged token, the network."""
    from authlib.integrations.base_client import OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    return (OAuthError, JoseError, RequestException, ValueError, KeyError)


def enabled() -> bool:
    return bool(settings.SSO_OIDC_ISSUER and settings.SSO_OIDC_CLIENT_ID)


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> Any:
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    oauth.register(
        name="conduct",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": 10},
    )
    return oauth.create_client("conduct")


def client() -> Any:
    """The provider's client (its configuration and keys are fetched once per process and settings)."""
    return _client(
        settings.SSO_OIDC_ISSUER,
        settings.SSO_OIDC_CLIENT_ID,
        settings.SSO_OIDC_CLIENT_SECRET,
        settings.SSO_OIDC_SCOPES,
    )


def callback_url() -> str:
    """The redirect URI to register at the provider."""
    return f"{settings.SITE_URL}{reverse('sso-oidc-callback')}"


def redirect_to_provider(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = client().authorize_redirect(request, callback_url())
    return response


def _groups(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value if isinstance(item, str | int))
    return ()


def identity_from_callback(request: HttpRequest) -> Identity:
    """Exchange the code on the callback for tokens and read who signed in (PROVIDER_ERRORS when the answer
    cannot be used)."""
    oidc = client()
    token = oidc.authorize_access_token(request)
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise ValueError("the provider sent no ID token")
    groups_claim = settings.SSO_OIDC_GROUPS_CLAIM
    if groups_claim not in claims and oidc.load_server_metadata().get("userinfo_endpoint"):
        extra = oidc.userinfo(token=token)
        if extra.get("sub") == claims["sub"]:  # OIDC Core 5.3.2: never use another subject's claims
            claims = {**extra, **claims}
    username = claims.get(settings.SSO_OIDC_USERNAME_CLAIM) or claims.get("email") or claims["sub"]
    return Identity(
        protocol="oidc",
        issuer=str(claims.get("iss") or settings.SSO_OIDC_ISSUER),
        subject=str(claims["sub"]),
        username=str(username),
        email=str(claims.get("email") or ""),
        given_name=str(claims.get("given_name") or ""),
        family_name=str(claims.get("family_name") or ""),
        groups=_groups(claims.get(groups_claim)),
    )
