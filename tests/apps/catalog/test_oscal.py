"""OSCAL exports that compliance-trestle accepts: every framework as a catalog, an assessment as
assessment-results."""

from __future__ import annotations

import json

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog

pytestmark = pytest.mark.django_db


def test_every_framework_exports_a_catalog_trestle_accepts(api_client, auditor):
    from conduct.apps.gates.pack import framework_library

    client = api_client(auditor)
    for framework in framework_library().frameworks:
        body = client.get(f"/api/v1/frameworks/{framework.slug}/oscal").json()
        catalog = Catalog.parse_obj(body["catalog"])
        controls = [c for g in catalog.groups for c in g.controls]
        assert len(controls) == len(framework.requirements)


def test_an_assessment_exports_results_trestle_accepts(api_client, officer):
    client = api_client(officer)
    made = client.post(
        "/api/v1/assessments",
        json.dumps({"framework": "sa8000", "scope_kind": "supplier", "supplier": _acme()}),
        content_type="application/json",
    ).json()
    base = f"/api/v1/assessments/{made['id']}/results/"
    for urn, status, note in [
        ("urn:conduct:sa8000:SA8000-7.c", "not_met", "Overtime above the limit"),
        ("urn:conduct:sa8000:SA8000-3.c", "partly_met", "First-aid kits incomplete"),
        ("urn:conduct:sa8000:SA8000-1.a", "met", ""),
        ("urn:conduct:sa8000:SA8000-9.10", "not_applicable", "Covered by the buyer"),
    ]:
        assert (
            client.put(
                base + urn, json.dumps({"status": status, "note": note}), content_type="application/json"
            ).status_code
            == 200
        )
    client.post(
        base + "urn:conduct:sa8000:SA8000-1.a/evidence",
        json.dumps({"kind": "link", "url": "https://example.org/policy"}),
        content_type="application/json",
    )
    body = client.get(f"/api/v1/assessments/{made['id']}/oscal").json()
    results = AssessmentResults.parse_obj(body["assessment-results"])
    [result] = results.results
    assert len(result.findings) == 4
    states = {f.target.target_id: f.target.status.state.value for f in result.findings}
    assert states["sa8000-sa8000-7.c_smt"] == "not-satisfied"
    assert states["sa8000-sa8000-1.a_smt"] == "satisfied"
    assert (
        result.observations
        and result.observations[0].relevant_evidence[0].href == "https://example.org/policy"
    )
    page = client.get(f"/catalog/assessments/{made['id']}/oscal.json")
    assert page["Content-Disposition"].startswith("attachment")


def _acme() -> int:
    from conduct.apps.suppliers.models import Supplier

    return Supplier.objects.get(external_id="ACME-001").pk
