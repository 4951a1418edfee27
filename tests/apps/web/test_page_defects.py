"""Issue 22's defects below the browser: notification emails link absolutely under SITE_URL, the ledger's
change and a case's opener read as text, the favicon is served, the report form offers the latest year with
data, and pages do not link what answers 403 or 404 for the viewer."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from conduct.apps.accounts.templatetags.actor_tags import actor_name
from conduct.apps.audit.templatetags.ledger_tags import change_lines
from conduct.apps.notifications.mail import absolute_link, send_now
from conduct.apps.reports.transparency.gather import latest_data_year

pytestmark = pytest.mark.django_db


def test_a_notification_email_links_under_site_url(settings):
    settings.SITE_URL = "https://conduct.example.org"
    mail.outbox.clear()
    assert send_now(["a@example.org"], "assignment", "A case for you", "/governance/cases/7/") == 1
    assert "Open it in Conduct: https://conduct.example.org/governance/cases/7/" in mail.outbox[0].body
    assert absolute_link("https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert absolute_link("") == ""


def test_a_ledger_change_reads_as_fields_and_json_not_python_reprs():
    lines = change_lines({"to": "closed", "rights": ["privacy", "assembly"], "tally": {"cast": 2}, "n": None})
    assert lines == [
        ("n", "null"),
        ("rights", "privacy, assembly"),
        ("tally", '{"cast": 2}'),
        ("to", "closed"),
    ]


def test_an_actor_label_reads_as_the_person_s_name(officer):
    assert actor_name(f"user:{officer.pk}:officer") == "Olivia Chen"
    assert actor_name("cli") == "cli"
    assert actor_name("user:999999:gone") == "gone"


def test_the_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_the_report_form_offers_the_latest_year_with_data(officer, api_client):
    assert latest_data_year() == timezone.localdate().year  # the demo's cases are this year's
    page = api_client(officer).get("/reports/").content.decode()
    assert re.search(rf"<option selected>{timezone.localdate().year}</option>", page)


def test_pages_do_not_link_what_answers_403_or_404_for_the_viewer(cast, api_client):
    auditor = api_client(cast("auditor"))
    assert "Search the lists" not in auditor.get("/screening/").content.decode()
    analyst = cast("analyst")
    unit_page = api_client(analyst).get(f"/org/units/{analyst.home_unit_id}/").content.decode()
    assert f'href="/org/units/{analyst.home_unit.parent_id}/"' not in unit_page
    assert analyst.home_unit.parent.name in unit_page  # named, not linked
    control_page = api_client(analyst).get("/catalog/controls/ethics-committee-review/").content.decode()
    assert 'href="/risks/misuse-mass-surveillance/"' not in control_page
    officer_page = (
        api_client(cast("officer")).get("/catalog/controls/ethics-committee-review/").content.decode()
    )
    assert 'href="/risks/misuse-mass-surveillance/"' in officer_page
