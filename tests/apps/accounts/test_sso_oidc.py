"""OpenID Connect sign-in against a real provider: oidc-provider-mock (Authlib's provider on Flask) runs on a
thread and the test drives the browser's part (Conduct's redirect, the provider's consent form, the callback)
while Conduct exchanges the code, checks the ID token against the provider's keys and maps the groups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
import requests
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings
from oidc_provider_mock import run_server_in_thread

from conduct.apps.accounts import mfa
from conduct.apps.accounts.models import SsoLink, User
from conduct.apps.audit.models import LedgerEntry
from tests.factories.accounts import OrgUnitFactory, UserFactory


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc(provider: str, settings: Any, tmp_path: Path, db: None) -> str:
    OrgUnitFactory(code="oidc-hq")
    mapping = tmp_path / "sso-groups.yaml"
    mapping.write_text(
        "groups:\n"
        "  conduct-officers: {role: compliance_officer, units: [oidc-hq]}\n"
        "  conduct-analysts: {role: analyst, units: [oidc-hq]}\n",
        encoding="utf-8",
    )
    settings.SSO_GROUP_MAPPING_FILE = str(mapping)
    settings.SSO_OIDC_ISSUER = provider
    settings.SSO_OIDC_CLIENT_ID = "conduct"
    settings.SSO_OIDC_CLIENT_SECRET = "conduct-secret"
    settings.SSO_OIDC_SCOPES = "openid email profile"
    settings.SITE_URL = "http://testserver"
    return provider


def _user_at_provider(provider: str, sub: str, **claims: Any) -> None:
    response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def _sign_in(client: Client, provider: str, sub: str, next_url: str = "/gates/") -> Any:
    """Conduct's login button, the provider's form (the user picks `sub`), then the callback."""
    start = client.get(f"/sso/oidc/login/?next={next_url}")
    assert start.status_code == 302, start.content[:300]
    assert start["Location"].startswith(f"{provider}/oauth2/authorize?")
    consent = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text[:300]
    back = urlsplit(consent.headers["Location"])
    assert back.path == "/sso/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_the_provider_only_when_configured(oidc: str, settings: Any) -> None:
    settings.SSO_OIDC_LABEL = "Sign in with Example ID"
    assert "Sign in with Example ID" in Client().get("/login/").content.decode()
    settings.SSO_OIDC_ISSUER = ""
    assert "Sign in with Example ID" not in Client().get("/login/").content.decode()
    assert Client().get("/sso/oidc/login/").status_code == 404


def test_a_first_sign_in_creates_the_user_with_the_mapped_role_and_units(oidc: str) -> None:
    _user_at_provider(
        oidc,
        "sub-alice",
        preferred_username="alice.oidc",
        email="alice@example.org",
        given_name="Alice",
        family_name="Ng",
        groups=["staff", "conduct-officers"],
    )
    client = Client()
    response = _sign_in(client, oidc, "sub-alice")
    assert response.status_code == 302 and response["Location"] == "/gates/"
    user = User.objects.get(username="alice.oidc")
    assert (user.role, user.email, user.first_name, user.last_name) == (
        "compliance_officer",
        "alice@example.org",
        "Alice",
        "Ng",
    )
    assert list(user.scope_units.values_list("code", flat=True)) == ["oidc-hq"]
    assert not user.has_usable_password()
    assert SsoLink.objects.get(user=user).subject == "sub-alice"
    assert client.get("/gates/").status_code == 200  # the session is signed in
    created = LedgerEntry.objects.get(action="sso.user_create")
    assert created.actor == "sso" and created.summary["role"] == "compliance_officer"


def test_the_provider_decides_the_role_at_every_sign_in(oidc: str) -> None:
    _user_at_provider(oidc, "sub-bo", preferred_username="bo", groups=["conduct-officers"])
    _sign_in(Client(), oidc, "sub-bo")
    _user_at_provider(oidc, "sub-bo", preferred_username="bo-renamed", groups=["conduct-analysts"])
    response = _sign_in(Client(), oidc, "sub-bo")
    assert response.status_code == 302
    user = User.objects.get(sso_links__subject="sub-bo")  # found by subject, not by the new name
    assert (user.username, user.role) == ("bo", "analyst")
    update = LedgerEntry.objects.get(action="sso.user_update")
    assert update.summary["role"] == ["compliance_officer", "analyst"]


def test_groups_that_map_to_nothing_give_no_access_and_say_so(oidc: str) -> None:
    _user_at_provider(oidc, "sub-carl", preferred_username="carl", groups=["marketing"])
    client = Client()
    response = _sign_in(client, oidc, "sub-carl")
    assert response.status_code == 403
    page = response.content.decode()
    assert "No access to Conduct" in page and "marketing" in page
    assert not User.objects.filter(username="carl").exists()
    assert client.get("/gates/").status_code == 302  # not signed in: sent to the login page
    denied = LedgerEntry.objects.get(action="sso.denied")
    assert denied.summary["reason"] == "unmapped" and denied.summary["groups"] == ["marketing"]


def test_a_user_whose_groups_were_taken_away_loses_access(oidc: str) -> None:
    _user_at_provider(oidc, "sub-dee", preferred_username="dee", groups=["conduct-analysts"])
    _sign_in(Client(), oidc, "sub-dee")
    _user_at_provider(oidc, "sub-dee", preferred_username="dee", groups=[])
    assert _sign_in(Client(), oidc, "sub-dee").status_code == 403
    assert User.objects.get(username="dee").access_pending


def test_a_deactivated_account_is_refused(oidc: str) -> None:
    UserFactory(username="erin", is_active=False)
    _user_at_provider(oidc, "sub-erin", preferred_username="erin", groups=["conduct-analysts"])
    response = _sign_in(Client(), oidc, "sub-erin")
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert not User.objects.get(username="erin").is_active


def test_a_callback_with_a_forged_state_signs_nobody_in(oidc: str) -> None:
    client = Client()
    client.get("/sso/oidc/login/")
    response = client.get("/sso/oidc/callback/?code=made-up&state=forged")
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()
    assert client.get("/gates/").status_code == 302


def test_the_provider_refusing_is_shown_not_a_crash(oidc: str) -> None:
    client = Client()
    start = client.get("/sso/oidc/login/")
    denied = requests.post(start["Location"], data={"action": "deny"}, allow_redirects=False, timeout=10)
    back = urlsplit(denied.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400 and "access_denied" in response.content.decode()


@override_settings(MFA_REQUIRED_ROLES=["compliance_officer"])
def test_an_officer_signed_in_by_the_provider_must_still_enrol_a_second_factor(oidc: str) -> None:
    _user_at_provider(oidc, "sub-fay", preferred_username="fay", groups=["conduct-officers"])
    client = Client()
    _sign_in(client, oidc, "sub-fay")
    assert client.get("/gates/")["Location"] == "/account/mfa/"
    assert client.get("/api/v1/gates/decisions").json()["error"]["code"] == "mfa_required"


@override_settings(MFA_REQUIRED_ROLES=["compliance_officer"])
def test_a_user_with_a_second_factor_passes_it_after_the_provider(oidc: str) -> None:
    _user_at_provider(oidc, "sub-gus", preferred_username="gus", groups=["conduct-officers"])
    _sign_in(Client(), oidc, "sub-gus")
    user = User.objects.get(username="gus")
    secret = mfa.new_totp_secret()
    mfa.totp_enrol(actor=user, user=user, secret=secret, code=pyotp.TOTP(secret).now())
    assert Authenticator.objects.filter(user=user).exists()
    client = Client()
    response = _sign_in(client, oidc, "sub-gus")
    assert response["Location"] == "/login/verify/"
    assert client.get("/gates/").status_code == 302  # not signed in before the second step


def test_processes_that_sign_nobody_in_through_sso_do_not_import_its_libraries() -> None:
    """pysaml2 (about half a second and its XML schemas) and Authlib load on first use, not with the URL
    conf: every CLI verb and worker imports the URL conf."""
    import os
    import subprocess
    import sys

    code = (
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conduct.config.settings'); "
        "django.setup(); import conduct.config.urls; "
        "print(sorted(m for m in ('saml2', 'authlib', 'xmlschema') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
