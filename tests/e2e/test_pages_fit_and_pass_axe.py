"""Every page three roles can reach fits the viewport and passes axe-core, at a phone's and a laptop's width.

A crawler logs in as a compliance officer, a liaison and an auditor (demo users). It starts from the home
page and from every page the authorization contract (tests/apps/test_authorization_matrix.py PAGES) lets the
role open with a 200, filled in with the demo's records, so no page is left out because nothing links to it;
it also follows same-site links (GET only; no logout, downloads, API docs or form targets), keeping one page
per URL pattern (one supplier page, not two hundred). The pages only other roles open (the portals, grievance
handling, device-access requests) are checked as the first role of the contract that opens them. Each page is
checked at 1366 px and 390 px (one browser context per role, resized): (a) nothing is wider than the
viewport (tables scroll inside themselves), (b) axe-core's WCAG 2.1 A/AA rules report no serious or critical
violation. All failures are collected and reported in one list."""

from __future__ import annotations

import re
import shutil
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
ROLES = {"officer": "compliance_officer", "liaison_uk": "liaison", "auditor": "auditor"}  # user: its role
WIDTHS = (390, 1366)
MAX_PAGES = 200  # a guard against a crawl that never ends (the contract lists about 130 pages)
HEIGHT = 900
SKIP_PATHS = ("/logout", "/api/", "/static/", "/media/", "/admin/", "/i18n/")
DOWNLOADS = (".csv", ".pdf", ".json", ".xlsx", ".zip", ".xml", ".txt", ".ics", ".png", ".svg", ".ico")
# The links on a page, resolved by the browser: same-origin, not downloads, not inside a form's submit.
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
  .map(a => a.href)"""
# The elements that stick out past the viewport while their parent does not: where the overflow starts.
WIDEST_JS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1
               && e.parentElement.getBoundingClientRect().right <= innerWidth + 1)
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (e.classList.length ? '.' + Array.from(e.classList).join('.') : '')
            + ' ' + Math.round(e.getBoundingClientRect().width) + 'px')"""


def _pattern(path: str) -> str:
    """The route that serves `path`: /suppliers/12/ and /suppliers/40/ are one page to check, and so are two
    requirements of the library (/catalog/requirements/<str:urn>/)."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).route
    except Resolver404:
        return re.sub(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,})(?=/|$)", "/<id>", path)


def _worth_visiting(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    path = parts.path.lower()
    # a built report's own files are checked by test_report_accessibility.py
    report_file = re.match(r"/reports/\d+/files/", path) is not None
    return not path.startswith(SKIP_PATHS) and not path.endswith(DOWNLOADS) and not report_file


@pytest.fixture
def demo(live_server, settings, tmp_path):
    from django.core.management import call_command

    from conduct.apps.audit.models import LedgerHead

    settings.MEDIA_ROOT = tmp_path / "files"
    LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})
    call_command("demo_load", quiet=True)  # transactional tests start from an empty database
    return live_server


@pytest.fixture
def browser(demo, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed; `make test` installs it with apt-get")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            yield launched
        finally:
            launched.close()


def _logged_in_page(browser: Any, base_url: str, username: str, width: int, axe_script: str) -> Any:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, base_url=base_url)
    context.add_init_script(axe_script)  # axe-core is in every page from its first script on, sent once
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not log in"
    return page


def _contract_pages(role: str, username: str) -> list[str]:
    """The pages (GET, 200) the authorization contract lets `role` open, with the demo's records filled in."""
    from conduct.apps.accounts.models import User
    from tests.apps.test_authorization_matrix import PAGES, fill

    actor = User.objects.get(username=username)
    routes = sorted(route for (method, route), rule in PAGES.items() if method == "GET" and rule.ok == 200)
    return ["/" + fill(route, actor) for route in routes if role in PAGES[("GET", route)].allowed]


def _others_pages() -> dict[str, list[str]]:
    """The pages none of ROLES opens, by the demo user of the first role the contract lets open each."""
    from tests.apps.test_authorization_matrix import PAGES, ROLE_CAST

    users: dict[str, list[str]] = {}
    for (method, route), rule in sorted(PAGES.items()):
        if method == "GET" and rule.ok == 200 and not rule.allowed & set(ROLES.values()):
            role = next(r for r in ROLE_CAST if r in rule.allowed)
            users.setdefault(ROLE_CAST[role], []).append(route)
    return users


def _crawl(page: Any, origin: str, failures: list[str], username: str, seeds: list[str]) -> list[str]:
    """Breadth-first from the home page and the seeds; one URL per pattern, MAX_PAGES at most, in the order
    found. Each page is checked at every width while it is open (the viewport is resized, not reloaded)."""
    queue, seen, pages = [f"{origin}/"], {_pattern("/")}, []
    for path in seeds:
        if _pattern(path) not in seen and _worth_visiting(origin + path, origin):
            seen.add(_pattern(path))
            queue.append(origin + path)
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        links = _visit(page, url, failures, username)
        if links is None:
            continue
        pages.append(url)
        for href in links:
            key = _pattern(urlsplit(href).path)
            if key not in seen and _worth_visiting(href, origin):
                seen.add(key)
                queue.append(href)
    return pages


def _visit(page: Any, url: str, failures: list[str], username: str) -> list[str] | None:
    """Open `url` and check it at every width; its links, or None when it is not an HTML page answering."""
    page.set_viewport_size({"width": max(WIDTHS), "height": HEIGHT})
    try:
        response = page.goto(url)
    except Exception as exc:  # playwright's Error: a file sent as an attachment is a download, not a page
        if "Download is starting" in str(exc):
            return None
        raise
    if response is None or response.status >= 400:
        status = response.status if response else "no response"
        failures.append(f"{username} {url}: answers {status} but is linked or allowed")
        return None
    if "text/html" not in (response.headers.get("content-type") or ""):
        return None
    links = [urldefrag(href).url.split("?")[0] for href in page.evaluate(LINKS_JS)]
    for width in sorted(WIDTHS, reverse=True):
        if width != max(WIDTHS):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            page.wait_for_timeout(200)  # conduct.js re-marks scroll boxes 100 ms after a resize
        _inspect(page, url, f"{username}@{width}", failures)
    return links


def _inspect(page: Any, url: str, label: str, failures: list[str]) -> None:
    """The open page fits its viewport and has no serious or critical axe violation."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        wide = page.evaluate(WIDEST_JS)
        failures.append(f"{label} {url}: overflow {scroll_width} > {inner_width} px (starts at: {wide})")
    for violation in page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]:
        if violation["impact"] in ("serious", "critical"):
            nodes = [" ".join(n["target"]) for n in violation["nodes"]]
            rule = f"{violation['id']} ({violation['impact']})"
            failures.append(f"{label} {url}: {rule} on {len(nodes)} node(s): {nodes[:3]}")


def test_every_reachable_page_fits_both_widths_and_passes_axe(demo, browser):
    from conduct.apps.accounts.models import User
    from tests.apps.test_authorization_matrix import fill

    axe_script = pytest.importorskip("axe_playwright_python.base").AXE_SCRIPT  # the bundled axe.min.js
    failures: list[str] = []
    reached = {}
    for username, role in ROLES.items():
        seeds = _contract_pages(role, username)
        page = _logged_in_page(browser, demo.url, username, max(WIDTHS), axe_script)
        reached[username] = _crawl(page, demo.url, failures, username, seeds)
        page.context.close()
        assert len(reached[username]) >= len(seeds) // 2, f"{username} reached only {reached[username]}"
    for username, routes in _others_pages().items():
        actor = User.objects.get(username=username)
        page = _logged_in_page(browser, demo.url, username, max(WIDTHS), axe_script)
        for url in (f"{demo.url}/{fill(route, actor)}" for route in routes):
            if _visit(page, url, failures, username) is not None:
                reached.setdefault(username, []).append(url)
        page.context.close()
    checks = sum(len(urls) for urls in reached.values()) * len(WIDTHS)
    assert failures == [], f"{len(failures)} failure(s) over {checks} page checks:\n" + "\n".join(failures)
