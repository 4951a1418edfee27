"""API tokens from creation to revocation: shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM

pytestmark = pytest.mark.django_db


def _auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _create(client: Client, **body: Any) -> Any:
    return client.post("/api/v1/tokens", json.dumps({"name": "ci", **body}), content_type="application/json")


def _me(secret: str) -> Any:
    return Client().get("/api/v1/me", **_auth(secret))


def _service_account(username: str = "erp-bot") -> Any:
    from conduct.apps.accounts.services import user_create

    return user_create(actor=SYSTEM, username=username, role="analyst", is_service_account=True)


# --- create: shown once, stored as a hash -------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_sha256_is_stored(officer, api_client):
    from conduct.apps.accounts.models import ApiToken
    from conduct.apps.audit.models import LedgerEntry

    client = api_client(officer)
    response = _create(client, scope="read-write", expires_days=30)
    assert response.status_code == 201
    created = response.json()
    secret = created["token"]
    assert secret.startswith(f"cdt_{created['prefix']}_") and len(secret) > 40
    assert (
        created["username"] == "officer"
        and created["scope"] == "read-write"
        and created["status"] == "active"
    )

    row = ApiToken.objects.get(pk=created["id"])
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields]
    random_part = secret.split("_", 2)[2]  # cdt_<hex prefix>_<secret>
    assert not any(random_part in value for value in stored)

    listed = client.get("/api/v1/tokens")
    assert random_part not in listed.content.decode()
    assert all("token" not in item for item in listed.json()["items"])
    assert random_part not in client.get("/account/tokens/").content.decode()
    assert not any(
        random_part in json.dumps(e.summary) for e in LedgerEntry.objects.filter(action="token.create")
    )


def test_the_tokens_page_shows_a_new_secret_once(officer, api_client):
    client = api_client(officer)
    created = client.post("/account/tokens/", {"name": "laptop", "scope": "read", "expires_days": 7})
    assert created.status_code == 200
    html = created.content.decode()
    secret = html.split('data-testid="new-token">')[1].split("<")[0]
    assert secret.startswith("cdt_")
    assert _me(secret).json()["username"] == "officer"
    assert secret not in client.get("/account/tokens/").content.decode()


def test_a_token_defaults_to_read_scope_and_the_configured_lifetime(officer, api_client, settings):
    created = _create(api_client(officer)).json()
    assert created["scope"] == "read"
    lifetime = timezone.datetime.fromisoformat(created["expires_at"]) - timezone.now()
    days = settings.CONDUCT["TOKEN_DEFAULT_DAYS"]
    assert timedelta(days=days) - timedelta(minutes=5) < lifetime <= timedelta(days=days)


# --- use ----------------------------------------------------------------------------------------


def test_a_bearer_token_authenticates_and_records_when_it_was_last_used(officer):
    from conduct.apps.accounts.models import ApiToken
    from conduct.apps.accounts.services import token_create

    token, secret = token_create(actor=officer, user=officer, name="ci", scope="read")
    assert token.last_used_at is None
    response = _me(secret)
    assert response.status_code == 200 and response.json()["username"] == "officer"
    used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert used is not None and timezone.now() - used < timedelta(minutes=1)


def test_a_read_token_reads_but_cannot_write(officer):
    from conduct.apps.accounts.services import token_create
    from conduct.apps.audit.models import LedgerEntry

    _, secret = token_create(actor=officer, user=officer, name="ci", scope="read")
    client = Client()
    assert client.get("/api/v1/org-units", **_auth(secret)).status_code == 200
    before = LedgerEntry.objects.count()
    for method, url, body in [
        ("post", "/api/v1/tokens", {"name": "escalate", "scope": "read-write"}),
        ("patch", "/api/v1/org-units/br-uk", {"name": "Renamed"}),
        ("post", "/api/v1/liaisons", {"user": "analyst", "org_unit": "br-br"}),
    ]:
        response = getattr(client, method)(
            url, json.dumps(body), content_type="application/json", **_auth(secret)
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "read_only_token"
    assert LedgerEntry.objects.count() == before


def test_a_read_write_token_writes_as_its_user(officer):
    from conduct.apps.accounts.services import token_create

    _, secret = token_create(actor=officer, user=officer, name="ci", scope="read-write")
    response = Client().patch(
        "/api/v1/org-units/br-uk",
        json.dumps({"name": "UK Branch (Manchester)"}),
        content_type="application/json",
        **_auth(secret),
    )
    assert response.status_code == 200
    from conduct.apps.audit.models import LedgerEntry

    assert LedgerEntry.objects.order_by("-seq").first().actor == f"user:{officer.pk}:officer"


# --- expiry, revocation, deactivation -----------------------------------------------------------


def test_an_expired_token_answers_401_and_is_listed_as_expired(officer, api_client):
    from conduct.apps.accounts.models import ApiToken
    from conduct.apps.accounts.services import token_create

    token, secret = token_create(actor=officer, user=officer, name="ci", scope="read")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _me(secret)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    listed = api_client(officer).get("/api/v1/tokens").json()["items"]
    assert [t["status"] for t in listed if t["id"] == token.pk] == ["expired"]


def test_a_revoked_token_answers_401_and_revoking_it_again_is_a_conflict(officer, api_client):
    from conduct.apps.audit.models import LedgerEntry

    client = api_client(officer)
    created = _create(client).json()
    assert _me(created["token"]).status_code == 200

    revoked = client.delete(f"/api/v1/tokens/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert LedgerEntry.objects.order_by("-seq").first().action == "token.revoke"
    assert _me(created["token"]).status_code == 401

    again = client.delete(f"/api/v1/tokens/{created['id']}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert LedgerEntry.objects.filter(action="token.revoke", object_id=str(created["id"])).count() == 1


def test_a_token_revoked_from_the_page_stops_working(officer, api_client):
    from conduct.apps.accounts.services import token_create

    token, secret = token_create(actor=officer, user=officer, name="ci", scope="read")
    client = api_client(officer)
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 302
    assert _me(secret).status_code == 401
    assert (
        "already revoked" in client.post(f"/account/tokens/{token.pk}/revoke", follow=True).content.decode()
    )


def test_a_deactivated_users_token_answers_401(officer):
    from conduct.apps.accounts.services import token_create, user_update

    _, secret = token_create(actor=officer, user=officer, name="ci", scope="read")
    user_update(actor=SYSTEM, user=officer, is_active=False)
    assert _me(secret).status_code == 401


def test_a_deactivated_user_cannot_be_given_a_token(officer):
    from conduct.apps.accounts.services import token_create, user_update
    from conduct.apps.errors import Invalid

    user_update(actor=SYSTEM, user=officer, is_active=False)
    with pytest.raises(Invalid) as exc:
        token_create(actor=SYSTEM, user=officer, name="ci")
    assert "user" in exc.value.fields


# --- who may create for whom --------------------------------------------------------------------


def test_an_admin_creates_tokens_for_a_service_account(admin, api_client):
    service = _service_account()
    response = _create(api_client(admin), user="erp-bot", scope="read-write")
    assert response.status_code == 201
    assert response.json()["username"] == "erp-bot"
    assert _me(response.json()["token"]).json()["username"] == service.username


def test_an_admin_cannot_create_a_token_for_another_normal_user(admin, officer, api_client):
    from conduct.apps.accounts.models import ApiToken

    response = _create(api_client(admin), user="officer")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_service_account"
    assert not ApiToken.objects.filter(user=officer).exists()


def test_only_an_admin_creates_tokens_for_a_service_account(officer, api_client):
    from conduct.apps.accounts.models import ApiToken

    service = _service_account()
    response = _create(api_client(officer), user=service.pk)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not ApiToken.objects.filter(user=service).exists()


def test_naming_yourself_as_the_token_user_is_allowed(liaison_uk, api_client):
    response = _create(api_client(liaison_uk), user="liaison_uk")
    assert response.status_code == 201 and response.json()["username"] == "liaison_uk"


# --- the CLI ------------------------------------------------------------------------------------


def test_the_cli_prints_a_working_token_once(officer):
    from conduct.apps.accounts.models import ApiToken
    from conduct.cli import _resolve

    assert _resolve(["tokens", "create", "officer"]) == ["tokens_create", "officer"]
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "tokens_create", "officer", "--scope", "read-write", "--expires-days", "7", stdout=out, stderr=err
    )

    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    secret = lines[0]
    assert secret.startswith("cdt_") and secret not in err.getvalue()
    assert "Store it now" in err.getvalue()

    token = ApiToken.objects.get(token_hash=hashlib.sha256(secret.encode()).hexdigest())
    assert token.scope == "read-write" and token.user == officer and token.created_by is None
    assert timedelta(days=7) - timedelta(minutes=5) < token.expires_at - timezone.now() <= timedelta(days=7)
    write = Client().patch(
        "/api/v1/org-units/br-uk",
        json.dumps({"name": "UK Branch (Leeds)"}),
        content_type="application/json",
        **_auth(secret),
    )
    assert write.status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody-here"], "No user named"),
        (["officer", "--expires-days", "0"], "expires_days"),
        (["officer", "--expires-days", "4000"], "expires_days"),
        (["officer", "--scope", "admin"], "invalid choice"),
    ],
)
def test_the_cli_refuses_a_bad_token_request_and_creates_nothing(officer, args, message):
    from conduct.apps.accounts.models import ApiToken

    before = ApiToken.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("tokens_create", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.count() == before


def test_the_cli_revokes_by_prefix_or_whole_token(officer):
    from conduct.apps.accounts.services import token_create

    _, secret = token_create(actor=SYSTEM, user=officer, name="ci", scope="read")
    out = io.StringIO()
    call_command("tokens_revoke", secret, stdout=out)  # the whole token works as well as its prefix
    assert "Revoked" in out.getvalue()
    assert _me(secret).status_code == 401
    with pytest.raises(CommandError, match="already revoked"):
        call_command("tokens_revoke", secret.split("_")[1], stdout=io.StringIO())


# --- garbage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer garbage",
        "Bearer cdt_",
        "Bearer cdt__",
        "Bearer cdt_deadbeef_notthesecret",
        "Bearer xyz_deadbeef_" + "a" * 43,
        "Bearer " + "a" * 5000,
        "Bearer cdt_%00_x",
        "Bearer",
        "Basic b2ZmaWNlcjpDb25kdWN0LWRlbW8tMjAyNg==",
        "Token cdt_deadbeef_x",
    ],
)
def test_a_garbage_or_unknown_token_answers_401(authorization):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_real_prefix_with_the_wrong_secret_answers_401(officer):
    from conduct.apps.accounts.services import token_create

    token, secret = token_create(actor=SYSTEM, user=officer, name="ci", scope="read")
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert _me(tampered).status_code == 401
    assert _me(f"cdt_{token.prefix}_").status_code == 401
    assert _me(secret).status_code == 200
