"""Logging in: argon2 in production, the demo password, throttling and lockout, CSRF, secure cookies."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from django.test import Client

from conduct.apps.accounts.actors import SYSTEM
from tests.conftest import DEMO_PASSWORD

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, **extra)


def _let_the_delay_pass(username: str) -> None:
    """Move the last failure back in time, as if the user had waited out the doubling delay."""
    from axes.models import AccessAttempt
    from django.db.models import F

    AccessAttempt.objects.filter(username=username).update(
        attempt_time=F("attempt_time") - timedelta(minutes=1)
    )


def _fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, **env: str) -> ModuleType:
    """Execute conduct.config.settings anew under `env` (the loaded Django settings are left alone)."""
    for name in ("DEBUG", "INSECURE_COOKIES", "HSTS_SECONDS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONDUCT_HOME", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import conduct.config.settings as loaded

    spec = importlib.util.spec_from_file_location("conduct_settings_probe", loaded.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- hashing ------------------------------------------------------------------------------------


def test_argon2_is_the_first_password_hasher_in_production():
    import conduct.config.settings as production

    assert production.PASSWORD_HASHERS[0] == ARGON2


@pytest.mark.django_db
def test_a_login_under_argon2_upgrades_an_older_hash_and_then_verifies_against_it(officer, settings):
    import conduct.config.settings as production

    # The demo users carry fast MD5 hashes in tests; keep MD5 only as a legacy hasher behind argon2.
    settings.PASSWORD_HASHERS = [
        production.PASSWORD_HASHERS[0],
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert officer.password.startswith("md5$")

    assert _login(Client(), "officer", DEMO_PASSWORD).status_code == 302
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$argon2id$")
    assert _login(Client(), "officer", DEMO_PASSWORD).status_code == 302  # now verified by argon2


# --- the login page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_logs_a_demo_user_in_with_the_demo_password(officer):
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()

    response = _login(client, "officer", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").url == "/dashboard/"
    assert client.get("/api/v1/me").json()["username"] == "officer"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("next_url", "landing"),
    [("/org/units/", "/org/units/"), ("//evil.example/", "/"), ("https://evil.example/", "/")],
)
def test_login_follows_next_only_to_a_local_page(officer, next_url, landing):
    response = Client().post(f"/login/?next={next_url}", {"username": "officer", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == landing


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_clear_message_and_no_session(officer):
    client = Client()
    response = _login(client, "officer", "not-the-password")
    assert response.status_code == 400
    assert "do not match an active account" in response.content.decode()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_user_cannot_log_in_and_loses_their_session(officer):
    from conduct.apps.accounts.services import user_update

    client = Client()
    assert _login(client, "officer", DEMO_PASSWORD).status_code == 302
    user_update(actor=SYSTEM, user=officer, is_active=False)

    assert client.get("/dashboard/")["Location"].startswith("/login/")
    assert client.get("/api/v1/me").status_code == 401
    assert _login(Client(), "officer", DEMO_PASSWORD).status_code == 400


@pytest.mark.django_db
def test_logout_takes_a_post_and_ends_the_session(officer):
    client = Client()
    _login(client, "officer", DEMO_PASSWORD)
    assert client.get("/logout/").status_code == 405
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/api/v1/me").status_code == 401


# --- throttling and lockout ---------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_failures_in_quick_succession_are_slowed_down(officer):
    client = Client()
    assert _login(client, "officer", "wrong-1").status_code == 400  # a first slip is free
    assert _login(client, "officer", "wrong-2").status_code == 400
    throttled = _login(client, "officer", DEMO_PASSWORD)  # even the right password must wait
    assert throttled.status_code == 429
    assert "Wait 2 seconds" in throttled.content.decode()
    assert client.get("/api/v1/me").status_code == 401

    _let_the_delay_pass("officer")
    assert _login(client, "officer", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_delay_doubles_with_each_failure(officer):
    client = Client()
    _login(client, "officer", "wrong-1")
    _login(client, "officer", "wrong-2")
    waits = []
    for attempt in range(3):
        response = _login(client, "officer", DEMO_PASSWORD)
        assert response.status_code == 429
        waits.append(int(response.content.decode().split("Wait ")[1].split(" ")[0]))
        _let_the_delay_pass("officer")
        _login(client, "officer", f"wrong-{attempt + 3}")
    assert waits == [2, 4, 8]


@pytest.mark.django_db
def test_the_account_locks_after_the_failure_limit_even_with_the_right_password(officer, settings):
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for attempt in range(limit):
        response = _login(client, "officer", f"wrong-{attempt}")
        _let_the_delay_pass("officer")
    assert response.status_code == 429  # the failure that reaches the limit already answers with the lock
    assert "locked" in response.content.decode()

    locked = _login(client, "officer", DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed attempts: this account is locked" in locked.content.decode()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_a_lock_holds_one_user_name_from_one_address_only(officer, analyst, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "officer", f"wrong-{attempt}")
        _let_the_delay_pass("officer")
    assert _login(Client(), "officer", DEMO_PASSWORD).status_code == 429
    assert _login(Client(), "analyst", DEMO_PASSWORD).status_code == 302
    assert _login(Client(), "officer", DEMO_PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_failures(officer):
    from axes.models import AccessAttempt

    client = Client()
    _login(client, "officer", "wrong-1")
    assert _login(client, "officer", DEMO_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="officer").exists()


# --- CSRF and cookies ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_form_enforces_csrf(officer):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "officer", DEMO_PASSWORD).status_code == 403

    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "officer", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_logout_enforces_csrf(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post("/logout/").status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_cookies_are_secure_when_debug_is_off(monkeypatch, tmp_path):
    production = _fresh_settings(monkeypatch, tmp_path)
    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production.PASSWORD_HASHERS[0] == ARGON2


@pytest.mark.parametrize("env", [{"DEBUG": "1"}, {"INSECURE_COOKIES": "1"}])
def test_cookies_are_plain_only_in_debug_or_when_explicitly_allowed(monkeypatch, tmp_path, env):
    relaxed = _fresh_settings(monkeypatch, tmp_path, **env)
    assert relaxed.SESSION_COOKIE_SECURE is False
    assert relaxed.CSRF_COOKIE_SECURE is False


@pytest.mark.django_db
def test_the_session_cookie_is_sent_secure_httponly_and_samesite(officer, settings):
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    _login(client, "officer", DEMO_PASSWORD, secure=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
