"""Onboarding runs the supplier_onboarding gate on the supplier's records; its decision is kept and shown."""

from __future__ import annotations

import json

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Invalid
from conduct.apps.gates.models import GateDecision
from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def test_onboarding_runs_the_gate_and_the_decision_is_shown_on_the_supplier(
    api_client, officer, supplier, bearer
):
    pls = supplier("PLS-004")
    pls.status = "prospect"
    pls.save(update_fields=["status"])
    response = api_client().post(f"/api/v1/suppliers/{pls.pk}/onboard", **bearer(officer))
    assert response.status_code == 200, response.content
    body = response.json()
    decision = GateDecision.objects.get(pk=body["onboarding"]["decision"])
    assert decision.gate == "supplier_onboarding" and decision.reference == "supplier:PLS-004"
    assert decision.subject["supplier"]["name"] == pls.name
    assert decision.subject["certificates"][0]["number"] == "CZ-45-0091"
    assert body["onboarding"]["outcome"] == decision.outcome
    # no questionnaire answered yet: the gate asks for a review, so the supplier stays in onboarding
    assert decision.outcome == "review" and body["status"] == "onboarding"
    assert LedgerEntry.objects.filter(action="supplier.onboard", object_id=str(pls.pk)).exists()
    page = api_client(officer).get(f"/suppliers/{pls.pk}/").content.decode()
    assert f"/gates/decisions/{decision.pk}/" in page and "self-assessment questionnaire" in page


def test_a_supplier_is_activated_only_by_a_decision_that_allows_it(officer, supplier, supplier_acme):
    acme = supplier("ACME-001")
    assert acme.status == "onboarding" and acme.onboarding_decision.outcome == "review"
    with pytest.raises(Invalid) as refused:
        services.supplier_update(actor=officer, supplier=acme, status="active")
    assert "status" in refused.value.fields

    from tests.apps.suppliers.test_portal import GOOD

    response = QuestionnaireResponse.objects.get(supplier=acme)
    services.questionnaire_save(actor=supplier_acme, response=response, answers=GOOD, submit=True)
    acme.refresh_from_db()
    services.supplier_onboard(actor=officer, supplier=acme)
    acme.refresh_from_db()
    assert acme.onboarding_decision.outcome == "allow" and acme.status == "active"
    assert (
        acme.onboarding_decision.previous is not None
    )  # linked to the earlier decision on the same supplier


def test_a_supplier_with_a_site_in_a_forced_labour_region_is_denied(api_client, officer, supplier, bearer):
    mill = supplier("XJC-003")
    body = (
        api_client()
        .post(
            f"/api/v1/suppliers/{mill.pk}/onboard",
            json.dumps({}),
            content_type="application/json",
            **bearer(officer),
        )
        .json()
    )
    assert body["onboarding"]["outcome"] == "deny"
    assert "supplier.site_in_forced_labour_region" in body["onboarding"]["rules"]
    assert body["status"] == "onboarding"


def test_a_liaison_cannot_onboard_a_supplier_outside_their_units(api_client, liaison_uk, supplier, bearer):
    mill = supplier("XJC-003")
    response = api_client().post(f"/api/v1/suppliers/{mill.pk}/onboard", **bearer(liaison_uk))
    assert response.status_code == 404
    assert not GateDecision.objects.filter(reference="supplier:XJC-003").exists()
