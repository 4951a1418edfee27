"""A security key in the browser: enrol a virtual WebAuthn authenticator (Chromium's DevTools protocol) on the
second-factor page, then sign in with the password and the key."""

from __future__ import annotations

import shutil

import pytest

from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed; `make test` installs it with apt-get")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page()
        try:
            yield page
        finally:
            browser.close()


def _password_step(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_user_enrols_a_security_key_and_signs_in_with_it(live_server, browser_page):
    from allauth.mfa.models import Authenticator

    from tests.factories.accounts import UserFactory

    user = UserFactory(role="analyst", username="key-user")
    page = browser_page
    base = live_server.url
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    _password_step(page, base, user.username)
    page.wait_for_url(f"{base}/dashboard/")
    page.goto(f"{base}/account/mfa/")
    page.get_by_role("button", name="Add a security key or passkey").click()
    page.wait_for_url(f"{base}/account/mfa/webauthn")
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert Authenticator.objects.filter(user_id=user.pk, type="webauthn").count() == 1
    page.get_by_role("button", name="Log out").click()

    _password_step(page, base, user.username)
    page.wait_for_url(f"{base}/login/verify/")
    page.get_by_role("button", name="Use a security key or passkey").click()
    page.wait_for_url(f"{base}/dashboard/")
    assert Authenticator.objects.get(user_id=user.pk, type="webauthn").last_used_at is not None
