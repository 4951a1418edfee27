"""Controls mapped to requirements, assessments with a status and evidence per requirement, and coverage."""

from __future__ import annotations

import base64
import json

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.catalog.models import Assessment, Control

pytestmark = pytest.mark.django_db


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_requirements_are_searchable_by_words_id_and_filters(api_client, analyst):
    client = api_client(analyst)
    hits = client.get("/api/v1/requirements?q=forced+labour").json()
    assert hits["count"] > 0
    assert "forced" in hits["items"][0]["title"].lower()
    exact = client.get("/api/v1/requirements?q=UNGP-17").json()["items"]
    assert exact[0]["urn"] == "urn:conduct:ungp:UNGP-17"
    only = client.get("/api/v1/requirements?framework=sa8000&dimension=labour&limit=500").json()["items"]
    assert (
        only and {r["framework"] for r in only} == {"sa8000"} and {r["dimension"] for r in only} == {"labour"}
    )
    bad = client.get("/api/v1/requirements?framework=nope")
    assert bad.status_code == 422 and "framework" in bad.json()["error"]["fields"]


def test_a_requirement_shows_its_mappings_and_the_controls_that_serve_it(api_client, officer):
    body = api_client(officer).get("/api/v1/requirements/urn:conduct:ungp:UNGP-17").json()
    assert "gate-sales-end-use" in body["controls"]  # the demo control
    assert body["mappings"] and all(m["urn"].startswith("urn:conduct:") for m in body["mappings"])
    assert api_client(officer).get("/api/v1/requirements/urn:conduct:ungp:UNGP-99").status_code == 404


def test_a_control_maps_only_to_requirements_in_the_library(api_client, officer, auditor):
    client = api_client(officer)
    body = {
        "code": "dpia-apps",
        "title": "Privacy impact assessment before an app launch",
        "dimension": "privacy",
        "org_unit": "bu-apps",
        "requirements": ["urn:conduct:ungp:UNGP-18", "urn:conduct:ungp:UNGP-404"],
    }
    bad = send(client, "post", "/api/v1/controls", body)
    assert bad.status_code == 422
    assert "UNGP-404" in bad.json()["error"]["fields"]["requirements"]
    assert not Control.objects.filter(code="dpia-apps").exists()
    body["requirements"] = ["urn:conduct:ungp:UNGP-18"]
    made = send(client, "post", "/api/v1/controls", body)
    assert made.status_code == 201, made.content
    assert made.json()["requirements"] == ["urn:conduct:ungp:UNGP-18"]
    patched = send(
        client, "patch", "/api/v1/controls/dpia-apps", {"requirements": ["urn:conduct:ungp:UNGP-19"]}
    )
    assert patched.json()["requirements"] == ["urn:conduct:ungp:UNGP-19"]
    assert LedgerEntry.objects.filter(action="control.update", summary__code="dpia-apps").exists()
    assert send(api_client(auditor), "patch", "/api/v1/controls/dpia-apps", {"title": "x"}).status_code == 403


def test_an_assessment_records_status_owner_and_evidence_per_requirement(api_client, officer, bearer):
    from conduct.apps.gates.services import gate_decide
    from conduct.datafiles import data_path

    client = api_client(officer)
    made = send(
        client,
        "post",
        "/api/v1/assessments",
        {"framework": "uk_psti", "scope_kind": "product", "product": "Bullet 4MP", "org_unit": "bu-video"},
    )
    assert made.status_code == 201, made.content
    assessment = made.json()
    assert assessment["summary"]["not_assessed"] == 6 and assessment["org_unit"] == "bu-video"
    url = f"/api/v1/assessments/{assessment['id']}/results/urn:conduct:uk_psti:PSTI-S1"
    recorded = send(client, "put", url, {"status": "met", "owner": "liaison_uk"})
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["owner"] == "liaison_uk"
    # evidence: a link, a file (hashed), and a gate decision the officer can see
    subject = json.loads(data_path("examples", "subjects", "product_release.json").read_text())
    decision = gate_decide(actor=officer, gate="product_release", subject=subject).decision
    for evidence in (
        {"kind": "link", "url": "https://example.org/test-report"},
        {"kind": "file", "file_name": "pentest.txt", "content_base64": base64.b64encode(b"ok").decode()},
        {"kind": "gate_decision", "gate_decision": decision.pk},
    ):
        response = send(client, "post", url + "/evidence", evidence)
        assert response.status_code == 201, response.content
    missing = send(client, "post", url + "/evidence", {"kind": "audit", "audit": 999999})
    assert missing.status_code == 422 and "audit_id" in missing.json()["error"]["fields"]
    bad = send(client, "put", url.replace("PSTI-S1", "PSTI-S2"), {"status": "partly_met"})
    assert bad.status_code == 422 and "note" in bad.json()["error"]["fields"]  # partly met needs a why
    foreign = send(client, "put", url.replace("uk_psti:PSTI-S1", "ungp:UNGP-11"), {"status": "met"})
    assert foreign.status_code == 422 and "urn" in foreign.json()["error"]["fields"]
    detail = client.get(f"/api/v1/assessments/{assessment['id']}").json()
    assert detail["summary"]["met"] == 1
    [result] = detail["results"]
    assert [e["kind"] for e in result["evidence"]] == ["link", "file", "gate_decision"]
    assert (
        result["evidence"][1]["file_sha256"]
        == "2689367b205c16ce32ed4200942b8b8b1e262dfc70d9bc9fbc77c49699a4f1df"
    )
    done = client.post(f"/api/v1/assessments/{assessment['id']}/complete")
    assert done.json()["status"] == "completed"
    assert send(client, "put", url, {"status": "not_met"}).status_code == 409


def test_assessments_are_scoped_by_unit(api_client, liaison_uk, liaison_de):
    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.catalog.services import assessment_create

    de = assessment_create(
        actor=SYSTEM, framework="de_lksg", scope_kind="org_unit", org_unit=OrgUnit.objects.get(code="br-de")
    )
    assert api_client(liaison_de).get(f"/api/v1/assessments/{de.pk}").status_code == 200
    assert api_client(liaison_uk).get(f"/api/v1/assessments/{de.pk}").status_code == 404
    ids = [a["id"] for a in api_client(liaison_uk).get("/api/v1/assessments").json()["items"]]
    assert de.pk not in ids
    refused = send(
        api_client(liaison_uk),
        "post",
        "/api/v1/assessments",
        {"framework": "de_lksg", "scope_kind": "org_unit", "org_unit": "br-de"},
    )
    assert refused.status_code == 422  # br-de is not a unit the UK liaison can see
    assert (
        not Assessment.objects.filter(framework="de_lksg", org_unit__code="br-de").exclude(pk=de.pk).exists()
    )


def test_coverage_counts_controls_and_latest_statuses_per_framework_and_dimension(api_client, officer):
    body = api_client(officer).get("/api/v1/coverage").json()
    ungp = next(r for r in body["by_framework"] if r["key"] == "ungp")
    assert ungp["requirements"] == 26
    assert ungp["controlled"] >= 3  # UNGP-17, 19, 24 by the demo controls
    assert (
        ungp["statuses"]["met"] >= 1
        and ungp["statuses"]["partly_met"] >= 1
        and ungp["statuses"]["not_met"] >= 1
    )
    assert sum(ungp["statuses"].values()) == 26
    labour = next(r for r in body["by_dimension"] if r["key"] == "labour")
    assert labour["requirements"] > 0
    assert sum(r["requirements"] for r in body["by_dimension"]) == 279


def test_the_pages_browse_search_and_assess(api_client, officer):
    client = api_client(officer)
    page = client.get("/catalog/?q=forced+labour").content.decode()
    assert "urn:conduct:" in page and "match" in page
    partial = client.get("/catalog/?q=UNGP-17", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "urn:conduct:ungp:UNGP-17" in partial
    assert (
        "Human rights due diligence"
        in client.get("/catalog/requirements/urn:conduct:ungp:UNGP-17/").content.decode()
    )
    assert client.get("/catalog/frameworks/nope/").status_code == 404
    response = client.post("/catalog/assessments/", {"framework": "ungp", "scope_kind": "company"})
    assert response.status_code == 302
    assessment = Assessment.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    client.post(
        f"/catalog/assessments/{assessment.pk}/results", {"urn": "urn:conduct:ungp:UNGP-11", "status": "met"}
    )
    html = client.get(f"/catalog/assessments/{assessment.pk}/").content.decode()
    assert "Met</strong>" in html
    coverage = client.get("/catalog/coverage/").content.decode()
    assert "By dimension" in coverage
