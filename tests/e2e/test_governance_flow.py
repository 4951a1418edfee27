"""The governance journey in a browser: a gate review is waiting for the Technical Ethics Committee with one
vote cast; its chair logs in, opens the case from the case list, votes, and sees the decision, the resolved
gate decision and the conditions routed to the UK liaison."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DEAL = {
    "reference": "D-2009",
    "parties": [
        {"role": "end_user", "name": "Riverside City Council", "country": "GB", "sector": "government_civil"}
    ],
    "items": [{"sku": "AI-LIC-FR", "capabilities": ["facial_recognition"], "quantity": 1}],
}


@pytest.fixture(scope="module", autouse=True)
def _restore_the_database_afterwards(django_db_blocker):
    """A transactional test ends by emptying every table, the ledger head and the demo organisation with
    them; put both back so the tests after this module find the database as the session set it up."""
    yield
    import yaml

    from conduct.apps.audit.models import LedgerHead
    from conduct.apps.web.management.commands.demo_load import load_demo
    from tests.conftest import REPO

    with django_db_blocker.unblock():
        LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})
        load_demo(yaml.safe_load((REPO / "data" / "demo" / "organisation.yaml").read_text()))


@pytest.fixture
def referred_case(live_server, settings, tmp_path):
    from django.core.management import call_command

    from conduct.apps.accounts.models import OrgUnit, User
    from conduct.apps.audit.models import LedgerHead
    from conduct.apps.gates.services import gate_decide
    from conduct.apps.governance.services import case_vote

    settings.MEDIA_ROOT = tmp_path / "files"
    # Transactional tests start from a flushed database: put back the ledger head its migration created.
    LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})
    call_command("demo_load", quiet=True)
    officer = User.objects.get(username="officer")
    decision = gate_decide(
        actor=officer, gate="sales_deal", subject=DEAL, org_unit=OrgUnit.objects.get(code="br-uk")
    ).decision
    case = decision.cases.get()
    case_vote(
        actor=User.objects.get(username="ethics_member"),
        case=case,
        choice="approve_with_conditions",
        rationale="Acceptable with safeguards.",
        conditions=["Publish a transparency notice at every camera site"],
    )
    return case


@pytest.fixture
def browser_page(live_server, monkeypatch):
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


def test_the_chair_votes_and_the_decision_resolves_the_gate(live_server, referred_case, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("User name").fill("ethics_chair")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_test_id("notification-count").inner_text() == "Notifications (1)"  # the vote needed

    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Queue").select_option("technical-ethics")
    page.get_by_role("link", name=referred_case.title).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Case {referred_case.pk}:")
    assert "No quorum yet: 1 of the 2" in page.get_by_test_id("tally").inner_text()

    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Rationale").fill("The council's legal basis is sound.")
    page.get_by_role("button", name="Cast vote").click()

    page.wait_for_selector("[data-testid=decision]")
    assert page.get_by_test_id("decision-outcome").inner_text() == "Approved with conditions"
    assert page.get_by_test_id("case-status").inner_text() == "Decided"
    assert page.get_by_test_id("gate-resolution").inner_text() == "Allow"
    routed = page.get_by_test_id("recommendations").inner_text()
    assert "Publish a transparency notice at every camera site" in routed and "Grace Thompson" in routed
    assert page.get_by_role("button", name="Cast vote").count() == 0
