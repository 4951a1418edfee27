"""Bad input never reaches the database as a crash, and refusals do not reveal other units: deeply nested list
files, ids out of range, empty references, and a reference taken in a unit the actor cannot see."""

from __future__ import annotations

import base64
import json

import pytest

from tests.factories.screening import OrgUnitFactory, ScreenedPartyFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
DEEP_FTM = (
    '{"id": "x", "schema": "Person", "properties": {"name": ["A"], "note": '
    + "[" * 50_000
    + "]" * 50_000
    + "}}\n"
)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_deeply_nested_ftm_list_is_refused_naming_the_line(api_client, officer):
    response = post(
        api_client(officer),
        "/api/v1/screening/lists/deep_ftm/versions",
        {"filename": "deep.json", "content_base64": base64.b64encode(DEEP_FTM.encode()).decode()},
    )
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "malformed_list" and "nests deeper than" in error["fields"]["file"]
    assert error["fields"]["line"] == "1"


def test_a_deeply_nested_ftm_file_fails_the_cli_with_a_message(cli, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(DEEP_FTM, encoding="utf-8")
    ran = cli("lists_load", str(path), "--name", "deep_cli")
    assert ran.code == 1 and "nests deeper than" in ran.err and "Traceback" not in ran.err


@pytest.mark.parametrize(
    "url",
    [f"/api/v1/screening/alerts/{HUGE}", "/api/v1/screening/alerts/0", f"/api/v1/screening/parties/{HUGE}"],
)
def test_ids_out_of_range_are_field_errors(api_client, officer, url):
    response = api_client(officer).get(url)
    assert response.status_code == 422 and response.json()["error"]["fields"]


def test_an_id_out_of_range_in_a_review_is_a_field_error(api_client, officer):
    response = post(api_client(officer), f"/api/v1/screening/alerts/{HUGE}/review", {"decision": "confirm"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("change", "field"),
    [({"reference": "   "}, "reference"), ({"org_unit": ""}, "org_unit"), ({"org_unit": HUGE}, "org_unit")],
)
def test_an_empty_or_impossible_reference_is_a_field_error(api_client, change, field):
    unit = OrgUnitFactory()
    liaison = UserFactory(role="liaison", home_unit=unit)
    body = {"reference": "customer:HARD-1", "kind": "customer", "name": "Hardened Ltd", "org_unit": unit.code}
    response = post(api_client(liaison), "/api/v1/screening/parties", {**body, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]


def test_a_reference_taken_in_another_unit_is_refused_without_naming_that_unit(api_client):
    mine, theirs = OrgUnitFactory(name="Liaison's own branch"), OrgUnitFactory(name="Secret Subsidiary")
    taken = ScreenedPartyFactory(org_unit=theirs, reference="customer:TAKEN-1")
    liaison = UserFactory(role="liaison", home_unit=mine)
    response = post(
        api_client(liaison),
        "/api/v1/screening/parties",
        {"reference": taken.reference, "kind": "customer", "name": "Someone Else Ltd", "org_unit": mine.code},
    )
    assert response.status_code == 403, response.content
    text = response.content.decode()
    assert theirs.name not in text and theirs.code not in text
    assert "reference" in response.json()["error"]["fields"]


def test_a_liaison_registers_a_party_in_its_own_unit_by_default(api_client):
    unit = OrgUnitFactory()
    liaison = UserFactory(role="liaison", home_unit=unit)
    body = {"reference": "customer:HOME-1", "kind": "customer", "name": "Home Default Ltd"}
    response = post(api_client(liaison), "/api/v1/screening/parties", body)
    assert response.status_code == 201, response.content
    assert response.json()["org_unit"] == unit.code
    again = post(api_client(liaison), "/api/v1/screening/parties", body)
    assert again.status_code == 200
