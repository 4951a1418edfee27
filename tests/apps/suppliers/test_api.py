"""Supplier API input: malformed or invalid input gets a 4xx naming the fields, and changes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from conduct.apps.suppliers.models import Certificate, Supplier
from tests.apps.suppliers.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def fields(response):
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["fields"]


def test_creating_a_supplier_with_bad_values_names_every_field(api_client, officer, bearer):
    before = Supplier.objects.count()
    response = post(
        api_client(),
        "/api/v1/suppliers",
        {"name": " ", "country": "XX", "org_unit": "hq-procurement"},
        bearer(officer),
    )
    assert response.status_code == 422
    assert set(fields(response)) == {"name", "country"}
    wrong_type = post(
        api_client(),
        "/api/v1/suppliers",
        {"name": "Ok Co", "country": "VN", "categories": ["widgets"]},
        bearer(officer),
    )
    assert wrong_type.status_code == 422 and "categories[0]" in fields(wrong_type)
    not_an_object = post(api_client(), "/api/v1/suppliers", ["a list"], bearer(officer))
    assert not_an_object.status_code == 422 and "body" in fields(not_an_object)
    assert Supplier.objects.count() == before


def test_a_supplier_is_created_updated_and_given_sites_contacts_and_sub_suppliers(
    api_client, officer, bearer, supplier
):
    client, headers = api_client(), bearer(officer)
    created = post(
        client,
        "/api/v1/suppliers",
        {
            "name": "New Optics Ltd",
            "country": "JP",
            "categories": ["semiconductors"],
            "external_id": "OPT-1",
            "org_unit": "hq-procurement",
        },
        headers,
    )
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    assert created.json()["status"] == "prospect" and created.json()["risk_score"] is not None

    site = post(
        client,
        f"/api/v1/suppliers/{sid}/sites",
        {"name": "Kumamoto fab", "country": "JP", "headcount": 400},
        headers,
    )
    assert site.status_code == 201
    assert (
        post(
            client, f"/api/v1/suppliers/{sid}/sites", {"name": "Kumamoto fab", "country": "JP"}, headers
        ).status_code
        == 422
    )
    contact = post(
        client, f"/api/v1/suppliers/{sid}/contacts", {"name": "Ken", "email": "not-an-email"}, headers
    )
    assert contact.status_code == 422 and "email" in fields(contact)
    sub = post(client, f"/api/v1/suppliers/{sid}/sub-suppliers", {"supplier": "CHM-010"}, headers)
    assert sub.status_code == 201
    assert supplier("CHM-010").tier == 2
    assert (
        post(client, f"/api/v1/suppliers/{sid}/sub-suppliers", {"supplier": sid}, headers).status_code == 422
    )

    patched = client.patch(
        f"/api/v1/suppliers/{sid}",
        json.dumps({"status": "active"}),
        content_type="application/json",
        **headers,
    )
    assert patched.status_code == 422 and "status" in fields(patched)
    graph = client.get(f"/api/v1/suppliers/{sid}/graph", **headers).json()
    assert graph["nodes"][0]["name"] == "Guangzhou Fine Chemicals Co."


def test_certificates_with_bad_dates_are_refused_field_by_field(api_client, officer, bearer, acme):
    response = post(
        api_client(),
        f"/api/v1/suppliers/{acme.pk}/certificates",
        {"standard": "SA8000", "number": "X-1", "valid_from": "2027-01-01", "valid_until": "03/04/2027"},
        bearer(officer),
    )
    assert response.status_code == 422 and "ambiguous" in fields(response)["valid_until"]
    backwards = post(
        api_client(),
        f"/api/v1/suppliers/{acme.pk}/certificates",
        {"standard": "SA8000", "number": "X-1", "valid_from": "2027-01-01", "valid_until": "2026-01-01"},
        bearer(officer),
    )
    assert backwards.status_code == 422 and "valid_until" in fields(backwards)
    duplicate = post(
        api_client(),
        f"/api/v1/suppliers/{acme.pk}/certificates",
        {"standard": "SA 8000", "number": "SA-2291", "valid_until": "2030-01-01"},
        bearer(officer),
    )
    assert duplicate.status_code == 409
    assert not Certificate.objects.filter(number="X-1").exists()


def test_certificate_files_are_checked_by_content_and_size(
    api_client, officer, bearer, acme, media, settings
):
    cert = Certificate.objects.get(number="SA-2291")
    url = f"/api/v1/certificates/{cert.pk}/file"
    client, headers = api_client(), bearer(officer)
    fake = post(
        client,
        url,
        {"filename": "cert.pdf", "content_base64": base64.b64encode(b"MZ\x90\x00 an exe").decode()},
        headers,
    )
    assert fake.status_code == 422 and "PDF, PNG or JPEG" in fields(fake)["file"]
    not_base64 = post(client, url, {"filename": "cert.pdf", "content_base64": "%%%"}, headers)
    assert not_base64.status_code == 422 and "content_base64" in fields(not_base64)
    missing = post(client, url, {}, headers)
    assert missing.status_code == 422 and "content_base64" in fields(missing)

    settings.CONDUCT = {**settings.CONDUCT, "CERT_FILE_MAX_BYTES": 1000}
    big = post(
        client,
        url,
        {"filename": "scan.png", "content_base64": base64.b64encode(PNG + b"\x00" * 2000).decode()},
        headers,
    )
    assert big.status_code == 422 and "At most" in fields(big)["file"]

    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post(
        url, {"file": SimpleUploadedFile("renamed.txt", PDF, content_type="text/plain")}, **headers
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["file_type"] == "application/pdf" and ok.json()["has_file"] is True
    download = client.get(url, **headers)
    assert b"".join(download.streaming_content) == PDF


def test_corrective_actions_move_through_their_statuses_with_evidence(api_client, officer, bearer, acme):
    client, headers = api_client(), bearer(officer)
    plan = acme.corrective_actions.get(status="open")
    early = client.patch(
        f"/api/v1/corrective-actions/{plan.pk}",
        json.dumps({"status": "verified"}),
        content_type="application/json",
        **headers,
    )
    assert early.status_code == 422 and "evidence" in fields(early)["status"]
    done = client.patch(
        f"/api/v1/corrective-actions/{plan.pk}",
        json.dumps({"evidence": "Checklist signed", "status": "verified"}),
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200 and done.json()["status"] == "verified"
    assert not plan.finding.__class__.objects.get(pk=plan.finding_id).is_open
    bad_date = client.patch(
        f"/api/v1/corrective-actions/{plan.pk}",
        json.dumps({"due_date": "2027-02-30"}),
        content_type="application/json",
        **headers,
    )
    assert bad_date.status_code == 422 and "due_date" in fields(bad_date)


def test_a_finding_must_cite_a_real_requirement(api_client, officer, bearer, acme):
    audit = acme.audits.first()
    response = post(
        api_client(),
        f"/api/v1/audits/{audit.pk}/findings",
        {"severity": "major", "requirement": "urn:conduct:sa8000:SA8000-99", "description": "x"},
        bearer(officer),
    )
    assert response.status_code == 422 and "requirement" in fields(response)
    unknown_severity = post(
        api_client(),
        f"/api/v1/audits/{audit.pk}/findings",
        {"severity": "huge", "requirement": "x", "description": "x"},
        bearer(officer),
    )
    assert unknown_severity.status_code == 422 and "severity" in fields(unknown_severity)


def test_list_filters_are_validated(api_client, officer, bearer):
    response = api_client().get("/api/v1/suppliers?risk_band=scary&tier=0", **bearer(officer))
    assert response.status_code == 422 and {"risk_band", "tier"} <= set(fields(response))
    page = api_client(officer).get("/suppliers/?risk_band=scary&sort=weird")
    assert page.status_code == 200 and "not one of" in page.content.decode()
