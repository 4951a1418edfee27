"""The check page's form: an officer checks a deal without typing JSON (issue 22)."""

from __future__ import annotations

import pytest

from conduct.apps.gates.models import GateDecision
from tests.factories.accounts import UserFactory

POLICE_DEAL = {
    "gate": "sales_deal",
    "mode": "form",
    "reference": ["D-FORM-1"],
    "parties[0].role": ["end_user"],
    "parties[0].name": ["Metropolitan Police Directorate"],
    "parties[0].country": ["EG"],
    "parties[0].sector": ["law_enforcement"],
    "items[0].sku": ["CAM-FR"],
    "items[0].capabilities": ["facial_recognition"],
    "items[0].quantity": ["500"],
    "deployment.public_space": ["on"],
    "deployment.camera_count": ["500"],
    "deployment.purpose": ["for protest monitoring"],
}


@pytest.fixture
def officer_user(db):
    return UserFactory(role="compliance_officer")


def test_the_form_offers_the_vocabularies_as_choices(api_client, officer_user) -> None:
    page = api_client(officer_user).get("/gates/try/?gate=sales_deal")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="parties[0].country"' in html and 'name="items[0].quantity"' in html
    assert '<optgroup label="Prohibited: denied">' in html
    assert '<option value="protest_monitoring">Monitoring peaceful assembly or protest</option>' in html
    assert 'name="subject"' not in html  # the JSON is the advanced tab
    assert (
        'name="subject"'
        in api_client(officer_user).get("/gates/try/?gate=sales_deal&mode=json").content.decode()
    )


def test_a_police_facial_recognition_deal_through_the_form(api_client, officer_user) -> None:
    client = api_client(officer_user)
    in_words = client.post("/gates/try/", {**POLICE_DEAL, "action": "evaluate"})
    assert in_words.status_code == 200
    assert "REVIEW" in in_words.content.decode()
    assert "sales.purpose.text_mentions_prohibited" in in_words.content.decode()
    picked = {**POLICE_DEAL, "deployment.purposes": ["protest_monitoring", "public_order_policing"]}
    denied = client.post("/gates/try/", {**picked, "action": "evaluate"})
    assert "DENY" in denied.content.decode()
    assert "sales.purpose.protest_monitoring" in denied.content.decode()
    assert 'value="protest_monitoring" selected' in denied.content.decode()  # the form keeps what was picked
    recorded = client.post("/gates/try/", {**picked, "action": "record"})
    assert recorded.status_code == 302
    decision = GateDecision.objects.get(pk=int(recorded["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert decision.outcome == "deny"
    assert decision.subject["deployment"]["purposes"] == ["protest_monitoring", "public_order_policing"]


def test_a_bad_field_is_named_next_to_its_input_and_nothing_is_recorded(api_client, officer_user) -> None:
    before = GateDecision.objects.count()
    page = api_client(officer_user).post(
        "/gates/try/", {**POLICE_DEAL, "items[0].quantity": ["many"], "action": "record"}
    )
    html = page.content.decode()
    assert page.status_code == 422
    assert 'id="f-items-0-quantity"' in html and 'aria-describedby="f-items-0-quantity-error"' in html
    assert 'id="f-items-0-quantity-error" class="error">must be a whole number, got a string' in html
    assert GateDecision.objects.count() == before


def test_add_a_row_adds_a_blank_row_without_evaluating(api_client, officer_user) -> None:
    page = api_client(officer_user).post(
        "/gates/try/", {**POLICE_DEAL, "action": "add_rows", "extra_rows": "1"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "Outcome" not in html
    assert 'name="parties[2].name"' in html and 'name="extra_rows" value="2"' in html


def test_a_role_that_may_not_decide_gets_no_form(api_client, db) -> None:
    auditor = UserFactory(role="auditor")
    assert api_client(auditor).get("/gates/try/?gate=sales_deal").status_code == 403
