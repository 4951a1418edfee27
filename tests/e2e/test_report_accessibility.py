"""The transparency report's index.html, opened from disk in Debian's chromium, passes axe-core (WCAG 2.1 AA
rules) with no serious or critical violations. axe-playwright-python bundles axe.min.js, so no network is
used."""

from __future__ import annotations

import shutil

import pytest
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def report_dir(tmp_path):
    """index.html and its files for the demo organisation (the PDF is left out: axe reads the HTML)."""
    from conduct.apps.reports.transparency.figures import compute_figures
    from conduct.apps.reports.transparency.gather import report_inputs
    from conduct.apps.reports.transparency.render import write_files

    figures = compute_figures(report_inputs(actor=SYSTEM, year=timezone.localdate().year))
    write_files(figures, tmp_path, pdf=False)
    return tmp_path


def test_the_report_has_no_serious_accessibility_violations(report_dir, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api")
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
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
        try:
            page = browser.new_page()
            page.goto((report_dir / "index.html").as_uri())
            assert page.get_attribute("html", "lang") == "en"
            assert page.get_by_role("heading", level=1).count() == 1
            assert (
                page.get_by_role(
                    "img", name="Salient human-rights issues by severity and likelihood", exact=False
                ).count()
                == 1
            )
            results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        finally:
            browser.close()
    violations = results.response["violations"]
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    assert len(results.response["passes"]) > 10  # axe did run its rules
