"""The catalog's API and pages refuse ids out of range and empty references with field errors (never a 500),
and read other apps' records only through their providers, as the actor may see them."""

from __future__ import annotations

import json

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.catalog.services import assessment_create, evidence_add, result_record
from conduct.apps.errors import Invalid
from tests.factories.screening import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _assessment(unit):
    assessment = assessment_create(actor=SYSTEM, framework="ungp", scope_kind="org_unit", org_unit=unit)
    result_record(actor=SYSTEM, assessment=assessment, urn="urn:conduct:ungp:UNGP-11", status="met")
    return assessment


@pytest.mark.parametrize("url", [f"/api/v1/assessments/{HUGE}", "/api/v1/assessments/0"])
def test_an_assessment_id_out_of_range_is_a_field_error(api_client, officer, url):
    response = api_client(officer).get(url)
    assert response.status_code == 422 and "assessment_id" in response.json()["error"]["fields"]


def test_a_supplier_id_out_of_range_is_a_field_error(api_client, officer):
    assert api_client(officer).get(f"/api/v1/assessments?supplier={HUGE}").status_code == 422
    body = {"framework": "sa8000", "scope_kind": "supplier", "supplier": int(HUGE)}
    response = post(api_client(officer), "/api/v1/assessments", body)
    assert response.status_code == 422 and "supplier" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["", "   ", HUGE])
def test_an_empty_or_impossible_org_unit_is_a_field_error(api_client, officer, value):
    body = {"framework": "ungp", "scope_kind": "org_unit", "org_unit": value}
    response = post(api_client(officer), "/api/v1/assessments", body)
    assert response.status_code == 422, response.content
    assert "org_unit" in response.json()["error"]["fields"]


def test_evidence_naming_a_record_out_of_range_is_a_field_error(api_client, officer):
    assessment = _assessment(OrgUnitFactory())
    url = f"/api/v1/assessments/{assessment.pk}/results/urn:conduct:ungp:UNGP-11/evidence"
    response = post(api_client(officer), url, {"kind": "gate_decision", "gate_decision": int(HUGE)})
    assert response.status_code == 422 and "gate_decision" in response.json()["error"]["fields"]


def test_the_evidence_page_refuses_a_record_number_out_of_range(api_client, admin):
    assessment = _assessment(OrgUnitFactory())
    response = api_client(admin).post(
        f"/catalog/assessments/{assessment.pk}/evidence",
        {"urn": "urn:conduct:ungp:UNGP-11", "kind": "audit", "record": HUGE},
    )
    assert response.status_code == 302  # back to the assessment, with the field's message
    assert not assessment.results.get().evidence.exists()


def test_a_gate_decision_outside_the_actors_units_is_not_evidence(api_client):
    from datetime import date

    from conduct.apps.gates.models import GateDecision

    mine, theirs = OrgUnitFactory(), OrgUnitFactory()
    decision = GateDecision.objects.create(
        gate="sales_deal",
        subject={},
        outcome="allow",
        result={},
        policy_version="test",
        as_of=date(2026, 1, 1),
        org_unit=theirs,
        actor_label="test",
        request_hash="1" * 64,
    )
    liaison = UserFactory(role="liaison", home_unit=mine)
    result = _assessment(mine).results.get()
    with pytest.raises(Invalid) as refused:
        evidence_add(actor=liaison, result=result, kind="gate_decision", gate_decision_id=decision.pk)
    assert refused.value.fields["gate_decision_id"] == f"No gate decision {decision.pk} that you can see."
    # the system reads any record through the same provider
    linked = evidence_add(actor=SYSTEM, result=result, kind="gate_decision", gate_decision_id=decision.pk)
    assert linked.gate_decision_id == decision.pk
