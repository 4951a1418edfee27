"""Security headers on every page, the client address behind trusted proxies, and login throttling beyond
the (user name, address) lock: per user name, per address, and against password spraying."""

from __future__ import annotations

import re
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conduct.apps.web.middleware import resolve_client_address
from tests.conftest import DEMO_PASSWORD

SRC = Path(__file__).resolve().parents[3] / "src" / "conduct"


def _login(username: str, password: str, address: str = "127.0.0.1", **extra: Any) -> Any:
    return Client().post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _let_the_delay_pass() -> None:
    from axes.models import AccessAttempt
    from django.db.models import F

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=1))


# --- headers ------------------------------------------------------------------------------------


def test_pages_carry_a_csp_without_inline_script(client, db):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None
    assert "'unsafe-inline'" not in script_src.group(1) and "'unsafe-eval'" not in script_src.group(1)
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_the_api_docs_page_works_under_the_csp(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"<script>" not in response.content  # swagger's scripts are static files


def test_pages_carry_permissions_and_referrer_policies(client, db):
    response = client.get("/login/")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_policy_headers_follow_a_change_of_the_settings(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https:"]}}
    settings.PERMISSIONS_POLICY = "camera=(self)"
    response = client.get("/login/")
    assert "img-src https:" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == "camera=(self)"
    settings.PERMISSIONS_POLICY = ""
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = client.get("/login/")
    assert "Permissions-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def test_a_view_s_own_policy_goes_through_django_csp(rf):
    from django.http import HttpResponse

    from conduct.apps.web.middleware import SecurityHeadersMiddleware

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("")
        response._csp_update = {"img-src": ["https://maps.example.org"]}  # what @csp_update sets
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/somewhere"))
    assert "https://maps.example.org" in response["Content-Security-Policy"]
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_nonce_behaves_as_django_csp_s(rf):
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    from conduct.apps.web.middleware import SecurityHeadersMiddleware

    def with_nonce(request: Any) -> HttpResponse:
        return HttpResponse(f"<script nonce='{request.csp_nonce}'>")

    used = rf.get("/somewhere")
    SecurityHeadersMiddleware(with_nonce)(used)
    assert str(used.csp_nonce) == used._csp_nonce  # the page's nonce stays readable
    unused = rf.get("/somewhere")
    SecurityHeadersMiddleware(lambda request: HttpResponse(""))(unused)
    with pytest.raises(CSPNonceError):  # asked for after the header was written
        str(unused.csp_nonce)


def test_a_header_a_view_set_itself_is_kept(rf):
    from django.http import HttpResponse

    from conduct.apps.web.middleware import SecurityHeadersMiddleware

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("")
        response["Content-Security-Policy"] = "default-src 'none'"
        response["Permissions-Policy"] = "camera=(self)"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/somewhere"))
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Permissions-Policy"] == "camera=(self)"


def test_hsts_is_on_by_default_when_debug_is_off(client, db, settings):
    assert settings.DEBUG is False
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_holds_an_inline_script_or_event_handler():
    offenders = []
    for template in SRC.glob("apps/*/templates/**/*.html"):
        text = template.read_text()
        if "transparency" in template.parts:  # the report's static site, not served by Django
            continue
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and "application/json" not in match.group(1):
                offenders.append(f"{template.relative_to(SRC)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or "javascript:" in text:
            offenders.append(f"{template.relative_to(SRC)}: inline event handler")
    assert offenders == []


# --- the client's address -----------------------------------------------------------------------

PROXIES = [ip_network("10.0.0.0/8"), ip_network("::1/128")]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy: its header is ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote 6.6.6.6 itself
        ("10.0.0.2", "198.51.100.1, 10.1.1.1", "198.51.100.1"),  # two proxies
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(peer, forwarded, expected):
    assert resolve_client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_x_forwarded_for_is_ignored():
    assert resolve_client_address("10.0.0.2", "198.51.100.1", []) == "10.0.0.2"


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_client_cannot_lock_out_another(officer, settings):
    settings.TRUSTED_PROXIES = PROXIES
    via_proxy = {"HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login("officer", f"wrong-{attempt}", "10.0.0.2", **via_proxy)
        _let_the_delay_pass()
    assert _login("officer", DEMO_PASSWORD, "10.0.0.2", **via_proxy).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.77"}
    assert _login("officer", DEMO_PASSWORD, "10.0.0.2", **other).status_code == 302


# --- throttling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_address_failing_for_many_user_names_is_locked(officer, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for index in range(4):
        _login(f"nobody-{index}", "guess", "198.51.100.20")
    response = _login("officer", DEMO_PASSWORD, "198.51.100.20")
    assert response.status_code == 429
    assert _login("officer", DEMO_PASSWORD, "198.51.100.21").status_code == 302


@pytest.mark.django_db
def test_one_user_name_failing_from_many_addresses_is_locked(officer, settings):
    settings.LOGIN_USER_FAILURE_LIMIT = 4
    for index in range(4):
        _login("officer", "guess", f"198.51.100.{30 + index}")
    assert _login("officer", DEMO_PASSWORD, "198.51.100.99").status_code == 429


@pytest.mark.django_db
def test_a_password_spray_locks_the_addresses_taking_part_but_not_clean_ones(analyst, settings):
    settings.LOGIN_SPRAY_LIMIT = 6
    for index in range(6):  # one guess per user name, from three addresses
        _login(f"user-{index}", "Summer2026!", f"203.0.113.{index % 3 + 1}")
    assert _login("analyst", DEMO_PASSWORD, "203.0.113.1").status_code == 429
    assert _login("analyst", DEMO_PASSWORD, "192.0.2.50").status_code == 302
