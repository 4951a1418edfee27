"""Bad input answers 4xx with a field error, never 500: NUL characters anywhere, huge offsets and ids."""

from __future__ import annotations

import json

import pytest

FIELD_ERROR = "Contains a NUL character"


def _error(response):
    body = json.loads(response.content)
    return body["error"]


def test_a_nul_in_a_query_parameter_is_a_422_field_error(api_client, admin):
    response = api_client(admin).get("/api/v1/suppliers", {"q": "acme\x00"})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid"
    assert FIELD_ERROR in error["fields"]["q"]


def test_a_nul_in_a_json_string_is_a_422_naming_the_member(api_client, admin):
    response = api_client(admin).post(
        "/api/v1/org-units",
        {"code": "nul-unit", "name": "Bad\x00name", "kind": "department", "country": "GB", "parent": "hq"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert FIELD_ERROR in _error(response)["fields"]["name"]


def test_a_nul_deep_in_a_json_body_is_named_by_its_path(api_client, admin):
    response = api_client(admin).post(
        "/api/v1/risks",
        {"title": "ok", "scope_suppliers": [1, {"x": ["\x00"]}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "scope_suppliers[1].x[0]" in _error(response)["fields"]


def test_an_escaped_backslash_before_u0000_is_not_a_nul(api_client, admin):
    body = '{"name": "C:\\\\u0000dir"}'  # the text C:\u0000dir, no NUL in it
    response = api_client(admin).patch("/api/v1/org-units/999999", body, content_type="application/json")
    assert response.status_code != 422 or FIELD_ERROR not in json.dumps(_error(response))


def test_a_nul_in_a_page_form_is_a_422_page(api_client, officer):
    response = api_client(officer).post("/suppliers/new", {"name": "Evil\x00Corp", "country": "GB"})
    assert response.status_code == 422
    assert FIELD_ERROR.encode() in response.content


def test_a_nul_in_a_page_query_is_a_422_page(api_client, officer):
    response = api_client(officer).get("/suppliers/", {"q": "\x00"})
    assert response.status_code == 422


def test_a_nul_in_the_login_form_does_not_reach_the_database(client, db):
    response = client.post("/login/", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 422


def test_a_nul_in_a_path_segment_is_a_404_before_any_lookup(api_client, admin):
    response = api_client(admin).get("/api/v1/screening/lists/ofac%00sdn")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/v1/suppliers", "/api/v1/audits", "/api/v1/ledger"])
def test_a_huge_offset_is_a_422_field_error(api_client, admin, path):
    response = api_client(admin).get(path, {"offset": 10**20})
    assert response.status_code == 422
    assert "offset" in _error(response)["fields"]


def test_an_offset_just_over_the_bound_is_a_422_field_error(api_client, admin):
    from conduct.db.bounds import MAX_OFFSET

    response = api_client(admin).get("/api/v1/suppliers", {"offset": MAX_OFFSET + 1})
    assert response.status_code == 422
    assert "offset" in _error(response)["fields"]


# --- the scan's shortcuts (a query string without %00, a request without a body) stay exact ---------------


def test_a_raw_nul_byte_in_the_query_string_is_a_422_field_error(api_client, admin):
    response = api_client(admin).get("/api/v1/suppliers", QUERY_STRING="q=a\x00b")
    assert response.status_code == 422
    assert FIELD_ERROR in _error(response)["fields"]["q"]


def test_a_percent_encoded_nul_in_a_parameter_name_is_named(api_client, admin):
    response = api_client(admin).get("/api/v1/suppliers", QUERY_STRING="q%00x=1")
    assert response.status_code == 422
    assert "q\\x00x" in _error(response)["fields"]


def test_a_nul_in_a_json_body_of_a_patch_is_refused(api_client, admin):
    response = api_client(admin).patch(
        "/api/v1/org-units/999999", {"name": "a\x00"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert FIELD_ERROR in _error(response)["fields"]["name"]


def test_a_query_without_a_nul_passes_the_scan(api_client, admin):
    response = api_client(admin).get("/api/v1/suppliers", {"q": "a%0b", "limit": "5"})
    assert response.status_code == 200
