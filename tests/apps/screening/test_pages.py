"""Screening pages: the alert queue, an alert side by side with its review form and history, the lists and
their diffs, the parties, and the search form."""

from __future__ import annotations

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.screening.models import Alert

pytestmark = pytest.mark.django_db


def uk_alert() -> Alert:
    return Alert.objects.get(party__reference="customer:CRM-4471", status="open")


def test_the_queue_opens_on_open_alerts_and_filters(api_client, officer):
    client = api_client(officer)
    page = client.get("/screening/").content.decode()
    assert "Dreyworth Electronics UK Ltd" in page and "Hangzhou Hikvision" in page
    assert '<caption class="visually-hidden">Screening alerts</caption>' in page
    rows = client.get("/screening/?status=open&list=uflpa", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "Xinjiang Junggar" in rows and "Dreyworth" not in rows
    wrong = client.get("/screening/?status=nonsense").content.decode()
    assert "Unknown status" in wrong


def test_the_alert_page_shows_party_and_entry_side_by_side_with_the_explanation(api_client, officer):
    alert = uk_alert()
    page = api_client(officer).get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "The party and the listed entry, side by side" in page
    assert "Dreyworth Electronics UK Ltd" in page and "DRAYWORTH ELECTRONICS LTD." in page
    assert '<th scope="row">Countries</th><td>GB</td><td>GB</td><td>same</td>' in page
    assert "Aligned name parts" in page and "dreyworth" in page and "vowel_variant" in page
    assert 'name="decision" value="dismiss"' in page and "History" in page


def test_reviewing_from_the_page(api_client, officer):
    alert = uk_alert()
    client = api_client(officer)
    missing = client.post(f"/screening/alerts/{alert.pk}/review", {"decision": "dismiss", "reason": ""})
    assert missing.status_code == 422 and "needs its reason" in missing.content.decode()
    assert uk_alert().status == "open"
    done = client.post(
        f"/screening/alerts/{alert.pk}/review", {"decision": "dismiss", "reason": "A Leeds reseller"}
    )
    assert done.status_code == 302 and done["Location"] == f"/screening/alerts/{alert.pk}/"
    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.reason == "A Leeds reseller"
    page = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "Dismissed" in page and "A Leeds reseller" in page and "screening.alert_dismiss" in page
    again = client.post(
        f"/screening/alerts/{alert.pk}/review", {"decision": "dismiss", "reason": "again"}, follow=True
    )
    assert "already dismissed" in again.content.decode()


def test_the_auditor_sees_the_alert_but_no_review_form_and_cannot_post(api_client, auditor):
    alert = uk_alert()
    client = api_client(auditor)
    page = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "Dreyworth" in page and 'name="decision"' not in page
    before = LedgerEntry.objects.count()
    assert client.post(f"/screening/alerts/{alert.pk}/review", {"decision": "confirm"}).status_code == 403
    assert LedgerEntry.objects.count() == before


def test_the_lists_pages_show_versions_counts_and_the_latest_diff(api_client, officer, cli, flow_csv):
    from .conftest import FLOW_ROWS

    cli("lists_load", str(flow_csv()), "--name", "t_pages")
    cli(
        "lists_load",
        str(flow_csv(**{"T-3": None, "T-1": FLOW_ROWS["T-1"].replace("2024", "2023")})),
        "--name",
        "t_pages",
    )
    client = api_client(officer)
    index = client.get("/screening/lists/").content.decode()
    assert "UFLPA Entity List (demo extract)" in index and "+0 added, −1 removed, ~1 changed" in index
    detail = client.get("/screening/lists/t_pages/").content.decode()
    assert (
        "What version 2 changed" in detail and "Ivan Petrovich Sidorov" in detail and "(in force)" in detail
    )
    assert client.get("/screening/lists/nope/").status_code == 404


def test_the_search_page_explains_its_matches(api_client, liaison_uk):
    client = api_client(liaison_uk)
    assert client.get("/screening/search/").status_code == 200
    page = client.get("/screening/search/", {"name": "Hikvision", "type": "organization", "country": "CN"})
    text = page.content.decode()
    assert page.status_code == 200 and "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD." in text
    assert "Aligned name parts" in text and "hikvision" in text
    bad = client.get("/screening/search/", {"name": "X Y", "country": "Atlantis"})
    assert bad.status_code == 422 and "is not a country" in bad.content.decode()


def test_the_parties_pages(api_client, officer):
    client = api_client(officer)
    listing = client.get("/screening/parties/?q=CRM").content.decode()
    assert "Dreyworth Electronics UK Ltd" in listing and "Acme Electronics" not in listing
    party = uk_alert().party
    page = client.get(f"/screening/parties/{party.pk}/").content.decode()
    assert "customer:CRM-4471" in page and "DRAYWORTH ELECTRONICS LTD." in page


def test_the_navigation_links_to_the_screening_module(api_client, analyst):
    page = api_client(analyst).get("/dashboard/").content.decode()
    assert 'href="/screening/"' in page
