"""An own site's corrective actions from its finding page: a liaison creates the plan, the site's liaison
attaches evidence and submits it, an officer verifies or rejects it (the suppliers' records and services)."""

from __future__ import annotations

import base64

import pytest

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Conflict, Forbidden, Invalid
from conduct.apps.notifications.models import Notification
from conduct.apps.suppliers.models import CorrectiveAction
from conduct.apps.workforce import selectors, services
from conduct.events import suppliers as records
from tests.factories.suppliers import OfficerFactory

PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def finding(world):
    audit = records.own_site_audit_create(
        actor=CLI, site=world.plant, kind="social", date="2026-01-05", auditor="Internal"
    )
    return records.finding_add(
        actor=CLI,
        audit=audit,
        severity="major",
        requirement="urn:conduct:sa8000:SA8000-3.c",
        description="Blocked fire exit",
    )


def test_the_finding_page_creates_the_plan_and_refuses_a_bad_date_with_its_field(world, finding, api_client):
    client = api_client(world.plant_liaison)
    url = f"/workforce/sites/{world.plant.pk}/findings/{finding.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "Clear it", "owner": "x", "due_date": "someday"})
    assert bad.status_code == 422 and not CorrectiveAction.objects.filter(finding=finding).exists()
    made = client.post(url, {"action": "Clear it", "owner": "Plant manager", "due_date": "2099-01-01"})
    assert made.status_code == 302
    plan = CorrectiveAction.objects.get(finding=finding)
    assert plan.own_site_id == world.plant.pk and plan.supplier_id is None
    assert api_client(world.office_liaison).get(url).status_code == 404


def test_evidence_submit_reject_and_verify(world, finding, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = services.site_action_create(
        actor=world.plant_liaison,
        site=world.plant,
        finding=finding,
        action="Clear the exit",
        owner="Plant manager",
        due_date="2099-01-01",
    )
    liaison, officer = world.plant_liaison, OfficerFactory(unit=world.plant.org_unit)
    with pytest.raises(Invalid):
        services.site_action_submit(actor=liaison, plan=plan)  # nothing to review yet
    with pytest.raises(Invalid):
        services.site_action_evidence(actor=liaison, plan=plan, content=b"MZ", filename="x.exe")
    services.site_action_evidence(actor=liaison, plan=plan, content=PDF, filename="photo.pdf")
    plan = services.site_action_submit(actor=liaison, plan=plan, note="Exit cleared, photo attached")
    assert plan.status == "in_progress" and plan.evidence_file_sha256
    with pytest.raises(Forbidden):
        services.site_action_review(actor=liaison, plan=plan, decision="verify")
    with pytest.raises(Invalid) as caught:
        services.site_action_review(actor=officer, plan=plan, decision="reject")
    assert "note" in caught.value.fields
    plan = services.site_action_review(actor=officer, plan=plan, decision="reject", note="Photo is blurred")
    assert plan.status == "open" and Notification.objects.filter(user=liaison, kind="decision").exists()
    with pytest.raises(Conflict):
        services.site_action_review(actor=officer, plan=plan, decision="verify")  # not submitted
    plan = services.site_action_submit(actor=liaison, plan=plan, note="New photo")
    plan = services.site_action_review(actor=officer, plan=plan, decision="verify")
    finding.refresh_from_db()
    assert plan.status == "verified" and finding.is_open is False
    reviews = LedgerEntry.objects.filter(action="own_site_action.review", object_id=str(plan.pk))
    assert [e.summary["decision"] for e in reviews.order_by("seq")] == ["reject", "verify"]


def test_the_api_works_an_own_site_action_end_to_end(world, finding, api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    liaison = api_client(world.plant_liaison)
    base = f"/api/v1/workforce/sites/{world.plant.pk}/findings/{finding.pk}"
    made = liaison.post(
        f"{base}/corrective-action",
        {"action": "Clear", "owner": "Manager", "due_date": "2099-01-01"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/workforce/corrective-actions/{made.json()['id']}"
    bad = liaison.post(
        f"{url}/evidence", {"filename": "e.pdf", "content_base64": "***"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "content_base64" in bad.json()["error"]["fields"]
    body = {"filename": "e.pdf", "content_base64": base64.b64encode(PDF).decode()}
    assert liaison.post(f"{url}/evidence", body, content_type="application/json").status_code == 200
    assert liaison.post(f"{url}/submit", {"note": "Done"}, content_type="application/json").status_code == 200
    refused = liaison.post(f"{url}/review", {"decision": "verify"}, content_type="application/json")
    assert refused.status_code == 403
    officer = api_client(OfficerFactory(unit=world.plant.org_unit))
    done = officer.post(f"{url}/review", {"decision": "verify"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "verified"
    assert liaison.get(base).json()["corrective_action"]["status"] == "verified"


def test_a_finding_of_another_site_is_not_found_through_this_one(world, finding):
    with pytest.raises(Exception) as caught:
        selectors.site_finding_for(actor=world.office_liaison, site_id=world.plant.pk, finding_id=finding.pk)
    assert getattr(caught.value, "status", None) == 404
