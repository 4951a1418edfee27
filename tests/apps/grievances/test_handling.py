"""Handling a report: only grievance officers read it (decrypted, every read ledgered), a person it names is
excluded, the workflow runs to a remedy with the reporter's answers, escalation opens a governance case, a
supplier link feeds the supplier's risk, and the key rotates."""

from __future__ import annotations

import pytest
from django.test import Client

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.grievances.models import Grievance
from conduct.apps.notifications.models import Notification
from tests.apps.grievances.conftest import post_json
from tests.factories.accounts import UserFactory


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _reads(grievance_id: int) -> list[str]:
    return list(
        LedgerEntry.objects.filter(
            object_type="grievance", object_id=str(grievance_id), action="grievance.read"
        ).values_list("actor", flat=True)
    )


@pytest.mark.django_db
def test_only_grievance_officers_read_reports_and_every_read_is_ledgered(officers, report):
    grievance_id, _ = report(description="Unpaid overtime in the paint shop")
    officer = officers[0]
    response = _client(officer).get(f"/api/v1/grievances/{grievance_id}")
    assert response.status_code == 200
    assert response.json()["description"] == "Unpaid overtime in the paint shop"
    assert _client(officer).get(f"/grievances/{grievance_id}/").status_code == 200
    assert _reads(grievance_id) == [f"user:{officer.pk}:{officer.username}"] * 2
    for role in ("admin", "auditor", "compliance_officer", "analyst", "liaison"):
        other = _client(UserFactory(role=role))
        assert other.get(f"/api/v1/grievances/{grievance_id}").status_code == 403, role
        assert other.get("/api/v1/grievances").status_code == 403, role
        assert other.get(f"/grievances/{grievance_id}/").status_code == 403, role
    assert len(_reads(grievance_id)) == 2


@pytest.mark.django_db
def test_a_person_named_in_a_report_is_never_routed_it_and_cannot_read_it(officers, report):
    named, other = officers
    grievance_id, _ = report(involved=[f"{named.first_name} {named.last_name}"])
    assert not Notification.objects.filter(user=named, link=f"/grievances/{grievance_id}/").exists()
    assert Notification.objects.filter(user=other, link=f"/grievances/{grievance_id}/").exists()
    client = _client(named)
    assert client.get(f"/api/v1/grievances/{grievance_id}").status_code == 404
    assert grievance_id not in [g["id"] for g in client.get("/api/v1/grievances?limit=500").json()["items"]]
    body = {"to": "acknowledged", "reason": "seen"}
    assert post_json(client, f"/api/v1/grievances/{grievance_id}/transition", body).status_code == 404
    assert _client(other).get(f"/api/v1/grievances/{grievance_id}").status_code == 200
    assert _reads(grievance_id) == [f"user:{other.pk}:{other.username}"]


@pytest.mark.django_db
def test_an_officer_can_exclude_a_colleague_but_not_leave_nobody(officers, report):
    first, second = officers
    grievance_id, _ = report()
    url = f"/api/v1/grievances/{grievance_id}/exclusions"
    assert post_json(_client(first), url, {"username": second.username}).status_code == 201
    assert _client(second).get(f"/api/v1/grievances/{grievance_id}").status_code == 404
    assert post_json(_client(first), url, {"username": first.username}).status_code == 422


@pytest.mark.django_db
def test_a_report_is_handled_to_a_remedy_and_the_reporter_answers(
    officers, report, session, django_capture_on_commit_callbacks
):
    from django.core import mail

    officer = _client(officers[0])
    grievance_id, receipt = report(contact="reporter@example.org", language="zh-hans")
    base = f"/api/v1/grievances/{grievance_id}"
    bad = post_json(officer, f"{base}/transition", {"to": "closed", "reason": "skip"})
    assert bad.status_code == 409
    for to in ("acknowledged", "investigating"):
        with django_capture_on_commit_callbacks(execute=True):
            body = {"to": to, "reason": f"now {to}", "dimension": "labour"}
            moved = post_json(officer, f"{base}/transition", body)
        assert moved.status_code == 200, moved.content
    acknowledged = [m for m in mail.outbox if m.to == ["reporter@example.org"]]
    assert acknowledged and acknowledged[0].subject == "您的举报已被确认"  # the reporter's language
    question = post_json(officer, f"{base}/messages", {"body": "Which shift?", "kind": "question"})
    assert question.status_code == 201
    token = session(receipt)
    thread = post_json(Client(), "/api/v1/public/grievances/session/thread", {"session": token}).json()
    assert thread["status"] == "investigating"
    assert [m["body"] for m in thread["messages"] if m["kind"] == "question"] == ["Which shift?"]
    reply = post_json(
        Client(), "/api/v1/public/grievances/session/messages", {"session": token, "body": "Night"}
    )
    assert reply.status_code == 201
    early = {"session": token, "score": 4}
    assert post_json(Client(), "/api/v1/public/grievances/session/satisfaction", early).status_code == 409
    remedy = {"type": "compensation", "description": "Back pay for 6 months"}
    assert post_json(officer, f"{base}/remedy", remedy).status_code == 200
    assert post_json(officer, f"{base}/transition", {"to": "remedy", "reason": "Back pay"}).status_code == 200
    answer = {"session": token, "score": 4, "remedy_accepted": True}
    assert post_json(Client(), "/api/v1/public/grievances/session/satisfaction", answer).status_code == 200
    assert post_json(officer, f"{base}/transition", {"to": "closed", "reason": "Paid"}).status_code == 200
    g = Grievance.objects.get(pk=grievance_id)
    assert (g.status, g.remedy_type, g.remedy_accepted, g.satisfaction) == ("closed", "compensation", True, 4)
    assert g.acknowledged_at and g.feedback_at and g.closed_at and g.dimension == "labour"
    detail = officer.get(base).json()
    assert "Night" in [m["body"] for m in detail["messages"]]


@pytest.mark.django_db
def test_a_retaliation_concern_is_flagged_to_the_officers(officers, report, session):
    grievance_id, receipt = report()
    token = session(receipt)
    body = {"session": token, "body": "My shifts were cut after I reported."}
    assert post_json(Client(), "/api/v1/public/grievances/session/retaliation", body).status_code == 201
    assert Grievance.objects.get(pk=grievance_id).retaliation_flagged_at is not None
    notice = Notification.objects.filter(user=officers[0], kind="overdue").latest("pk")
    assert "retaliation" in notice.text and "cut" not in notice.text


@pytest.mark.django_db
def test_escalation_opens_a_governance_case_without_the_reports_text(officers, report):
    from conduct.apps.governance.models import Case

    grievance_id, _ = report(description="Secret details of the case")
    body = {"title": "Forced overtime at a supplier", "dimension": "supply_chain", "rights": []}
    response = post_json(_client(officers[0]), f"/api/v1/grievances/{grievance_id}/escalate", body)
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.source == "grievance" and case.subject_ref == f"grievance {grievance_id}"
    assert "Secret" not in case.title + case.description
    again = post_json(_client(officers[0]), f"/api/v1/grievances/{grievance_id}/escalate", body)
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_supplier_link_feeds_the_suppliers_risk_and_can_raise_a_corrective_action(officers, report):
    from conduct.apps.suppliers.models import CorrectiveAction, Finding, Supplier, SupplierRisk

    supplier = Supplier.objects.exclude(findings__is_open=True).order_by("pk").first()
    grievance_id, _ = report()
    body = {"supplier": supplier.pk, "corrective_action": True}
    response = post_json(_client(officers[0]), f"/api/v1/grievances/{grievance_id}/link", body)
    assert response.status_code == 200, response.content
    finding = Finding.objects.filter(supplier=supplier, requirement="urn:conduct:ungp:UNGP-31").latest("pk")
    assert finding.is_open and f"grievance {grievance_id}" in finding.description
    assert CorrectiveAction.objects.filter(finding=finding).exists()
    drivers = SupplierRisk.objects.get(supplier=supplier).drivers
    assert "findings_major" in [driver[0] for driver in drivers]
    missing = post_json(_client(officers[0]), f"/api/v1/grievances/{grievance_id}/link", {"supplier": 10**12})
    assert missing.status_code == 422


@pytest.mark.django_db
def test_the_key_rotates_and_every_value_still_opens(officers, report, settings, tmp_path):
    from conduct.apps.grievances.services import grievance_keys_rotate, grievance_read

    settings.GRIEVANCE_KEY_DIR = tmp_path / "keys"
    Grievance.objects.all().delete()  # rows sealed with the shared key dir (rolled back with the test)
    grievance_id, _ = report(description="Rotate me", location="Site 9")
    old = Grievance.objects.get(pk=grievance_id).description_enc.split(":")[1]
    new_id, count = grievance_keys_rotate(actor=officers[0])
    assert new_id != old and count >= 2
    g = Grievance.objects.get(pk=grievance_id)
    assert g.description_enc.split(":")[1] == new_id
    (tmp_path / "keys" / f"{old}.key").unlink()  # nothing names the old key any more
    assert grievance_read(actor=officers[0], grievance_id=grievance_id).description == "Rotate me"
    assert oct((tmp_path / "keys" / f"{new_id}.key").stat().st_mode & 0o777) == "0o600"
