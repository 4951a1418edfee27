"""The one browser journey of the foundation: log in with a demo login and reach the dashboard."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def demo(live_server):
    from django.core.management import call_command

    call_command("demo_load", quiet=True)  # transactional tests start from an empty database
    return live_server


@pytest.fixture
def browser_page(demo, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed; `make test` installs it with apt-get")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        try:
            yield page
        finally:
            browser.close()


def test_an_officer_logs_in_and_reaches_the_dashboard(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/dashboard/")
    assert "/login/" in page.url  # not logged in: sent to the login page
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert int(page.get_by_test_id("count-units").inner_text()) == 16
    nav = page.get_by_role("navigation", name="Modules")
    assert nav.get_by_role("link", name="Audit ledger").is_visible()
    # Keyboard users can skip straight to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
