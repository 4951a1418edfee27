"""The screening API: search with explanations, lists and their diffs, parties registered and screened at
once, the alert queue and reviews - with the one error shape for bad input and refusals."""

from __future__ import annotations

import json

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.screening.models import Alert, ScreenedParty

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def uk_alert() -> Alert:
    return Alert.objects.get(party__reference="customer:CRM-4471", status="open")


def test_search_returns_ranked_matches_with_explanations(api_client, analyst, bearer):
    response = post(
        api_client(),
        "/api/v1/screening/search",
        {"name": "Drayworth Electronics Ltd", "type": "organization", "country": "GB"},
        **bearer(analyst),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["threshold"] == 0.8 and {item["list"] for item in body["lists"]} >= {
        "bis_dpl",
        "ofac_non_sdn",
    }
    best = body["matches"][0]
    assert (best["list"], best["name"], best["strength"]) == (
        "bis_dpl",
        "DRAYWORTH ELECTRONICS LTD.",
        "strong",
    )
    assert best["list_kind"] == "export_control" and best["entry"]["countries"] == ["GB"]
    explanation = best["explanation"]
    assert explanation["score"] == best["score"]
    assert [p["candidate"] for p in explanation["parts"] if p["method"] == "exact"][:1] == ["drayworth"]
    assert [(a["reason"], a["delta"] > 0) for a in explanation["adjustments"]] == [
        ("country GB matches", True)
    ]
    scores = [m["score"] for m in body["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_search_limits_and_validates_its_input(api_client, officer):
    client = api_client(officer)
    one = post(client, "/api/v1/screening/search", {"name": "Air Freight Ltd", "limit": 1}).json()
    assert len(one["matches"]) == 1
    bad = post(
        client, "/api/v1/screening/search", {"name": "Someone", "country": "Atlantis", "birth_date": "soon"}
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"country", "birth_date"}
    blank = post(client, "/api/v1/screening/search", {"name": " - "})
    assert blank.status_code == 422 and "name" in blank.json()["error"]["fields"]


def test_the_auditor_reads_but_does_not_search_or_review(api_client, auditor):
    client = api_client(auditor)
    assert client.get("/api/v1/screening/alerts").json()["count"] == Alert.objects.count()
    assert client.get(f"/api/v1/screening/alerts/{uk_alert().pk}").status_code == 200
    assert post(client, "/api/v1/screening/search", {"name": "Air Freight"}).status_code == 403
    before = LedgerEntry.objects.count()
    refused = post(client, f"/api/v1/screening/alerts/{uk_alert().pk}/review", {"decision": "confirm"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert LedgerEntry.objects.count() == before and uk_alert().status == "open"


def test_an_alert_reads_side_by_side_with_its_history_and_is_reviewed(api_client, officer):
    client = api_client(officer)
    alert = uk_alert()
    detail = client.get(f"/api/v1/screening/alerts/{alert.pk}").json()
    assert detail["party"]["name"] == "Dreyworth Electronics UK Ltd" and detail["party"]["country"] == "GB"
    assert detail["entry"]["primary_name"] == "DRAYWORTH ELECTRONICS LTD." and detail["entry"][
        "countries"
    ] == ["GB"]
    assert (
        detail["list"] == "bis_dpl" and detail["strength"] == "potential" and detail["explanation"]["parts"]
    )
    assert [h["action"] for h in detail["history"]] == ["opened"]
    reviewed = post(
        client,
        f"/api/v1/screening/alerts/{alert.pk}/review",
        {"decision": "dismiss", "reason": "Dreyworth is a Leeds reseller, not the listed Drayworth"},
    )
    assert reviewed.status_code == 200, reviewed.content
    body = reviewed.json()
    assert body["status"] == "dismissed" and body["reviewed_by"] == "officer"
    assert [h["action"] for h in body["history"]] == ["opened", "dismissed"]
    again = post(
        client, f"/api/v1/screening/alerts/{alert.pk}/review", {"decision": "dismiss", "reason": "again"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    no_reason = post(client, f"/api/v1/screening/alerts/{alert.pk}/review", {"decision": "escalate"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]


def test_the_alert_queue_filters_by_status_list_and_strength(api_client, admin):
    client = api_client(admin)
    strong = client.get("/api/v1/screening/alerts?strength=strong&limit=500").json()
    assert strong["count"] >= 3 and {a["strength"] for a in strong["items"]} == {"strong"}
    dpl = client.get("/api/v1/screening/alerts?list=bis_dpl&status=open").json()
    assert dpl["count"] >= 1 and {a["list"] for a in dpl["items"]} == {"bis_dpl"}
    assert client.get("/api/v1/screening/alerts?status=nonsense").status_code == 422
    forced = client.get("/api/v1/screening/alerts?party=Junggar").json()["items"]
    assert [a["list_kind"] for a in forced] == ["forced_labour"]


def test_alerts_are_scoped_to_the_party_org_unit(api_client, liaison_uk, analyst):
    uk_items = api_client(liaison_uk).get("/api/v1/screening/alerts?limit=500").json()["items"]
    assert uk_items and {a["party_reference"] for a in uk_items} <= {"customer:CRM-4471", "customer:CRM-3310"}
    assert api_client(analyst).get("/api/v1/screening/alerts").json()["count"] == 0
    missing = api_client(analyst).get(f"/api/v1/screening/alerts/{uk_alert().pk}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_party_registered_over_the_api_is_screened_at_once(api_client, liaison_uk, bearer):
    body = {
        "reference": "customer:CRM-7777",
        "kind": "customer",
        "name": "Intercircuit Limited",
        "entity_type": "organization",
        "country": "GB",
        "org_unit": "br-uk",
    }
    created = post(api_client(), "/api/v1/screening/parties", body, **bearer(liaison_uk))
    assert created.status_code == 201, created.content
    party = created.json()
    assert party["last_screened_at"] and party["summary"]["open_alerts"] == 1
    assert party["summary"]["alerts"][0]["entry_name"] == "INTERCIRCUIT LTD."
    again = post(
        api_client(),
        "/api/v1/screening/parties",
        {**body, "aliases": ["Intercircuit UK"]},
        **bearer(liaison_uk),
    )
    assert again.status_code == 200 and again.json()["aliases"] == ["Intercircuit UK"]
    stored = ScreenedParty.objects.get(reference="customer:CRM-7777")
    assert LedgerEntry.objects.filter(action="screening.party_create", object_id=str(stored.pk)).exists()
    assert LedgerEntry.objects.filter(action="screening.party_update", object_id=str(stored.pk)).exists()
    listed = api_client(liaison_uk).get("/api/v1/screening/parties?search=CRM-7777").json()
    assert listed["count"] == 1 and listed["items"][0]["open_alerts"] == 1


def test_a_party_outside_your_units_is_refused(api_client, liaison_uk):
    body = {
        "reference": "customer:CRM-8888",
        "kind": "customer",
        "name": "Somewhere GmbH",
        "org_unit": "br-de",
    }
    response = post(api_client(liaison_uk), "/api/v1/screening/parties", body)
    assert response.status_code == 422 and "org_unit" in response.json()["error"]["fields"]
    assert not ScreenedParty.objects.filter(reference="customer:CRM-8888").exists()


def test_lists_and_the_latest_diff(api_client, officer, cli, flow_csv):
    from .conftest import FLOW_ROWS

    cli("lists_load", str(flow_csv()), "--name", "t_api")
    cli(
        "lists_load",
        str(flow_csv(**{"T-1": FLOW_ROWS["T-1"].replace("2024", "2025"), "T-2": None})),
        "--name",
        "t_api",
    )
    client = api_client(officer)
    names = {item["name"]: item for item in client.get("/api/v1/screening/lists?limit=500").json()["items"]}
    assert names["t_api"]["current"]["number"] == 2 and names["t_api"]["current"]["changed"] == 1
    detail = client.get("/api/v1/screening/lists/t_api").json()
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["latest_diff"]["changed"] == [
        {"source_id": "T-1", "name": "Tiankun Optical Trading Company Limited"}
    ]
    assert detail["latest_diff"]["removed"] == [{"source_id": "T-2", "name": "Borealis Lens Works"}]
    assert client.get("/api/v1/screening/lists/no-such-list").status_code == 404
