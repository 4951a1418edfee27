"""The supplier portal: a supplier answers its questionnaire with its own login and sees only its own records;
another supplier's records do not exist for it (404), through the pages and the API alike."""

from __future__ import annotations

import json

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.services import portal_org_create, user_create
from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import Certificate, CorrectiveAction, QuestionnaireResponse
from tests.apps.suppliers.conftest import PDF

pytestmark = pytest.mark.django_db

# A complete set of answers to the default questionnaire, all good.
GOOD = {
    "min_hiring_age": "18",
    "age_verified": "yes",
    "young_workers": "no",
    "documents_retained": "no",
    "recruitment_fees": "no",
    "free_to_leave": "yes",
    "state_labour_programmes": "no",
    "hazard_register": "yes",
    "hs_committee": "yes",
    "has_dormitories": "no",
    "iso45001_certified": "all",
    "union_or_representatives": "yes",
    "no_retaliation": "yes",
    "pregnancy_testing": "no",
    "fines_deductions": "no",
    "normal_week_hours": "40",
    "max_weekly_overtime": "10",
    "day_off": "yes",
    "time_records": "yes",
    "living_wage": "living_wage",
    "overtime_premium": "yes",
    "social_performance_team": "yes",
    "grievance_channel": "yes",
    "own_supplier_checks": "audited",
    "sa8000_certified": "yes",
    "environmental_aspects": "yes",
    "hazardous_chemicals": "no",
    "iso14001_certified": "all",
}


def acme_questionnaire(acme):
    return QuestionnaireResponse.objects.get(supplier=acme)


@pytest.fixture
def other_supplier(supplier, officer):
    """Another supplier with a portal login of its own, a questionnaire, a certificate and an action."""
    brd = supplier("BRD-002")
    org = portal_org_create(actor=SYSTEM, name="Shenzhen Boards Co., Ltd.", kind="supplier")
    services.supplier_update(actor=SYSTEM, supplier=brd, portal_org=org)
    user_create(actor=SYSTEM, username="supplier_brd", role="supplier", portal_org=org, password="x" * 14)
    services.questionnaire_send(actor=officer, supplier=brd)
    return brd


def test_supplier_answers_its_questionnaire_in_the_portal_and_submits_it(
    api_client, supplier_acme, acme, officer
):
    client = api_client(supplier_acme)
    response = acme_questionnaire(acme)
    portal = client.get("/portal/").content.decode()
    assert f"/suppliers/portal/questionnaires/{response.pk}/" in portal

    page = client.get(f"/suppliers/portal/questionnaires/{response.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "minimum age" in html and "dormitories clean" not in html  # conditional question hidden

    saved = client.post(
        f"/suppliers/portal/questionnaires/{response.pk}/",
        {"action": "save", "q_has_dormitories": "yes", "q_min_hiring_age": "16"},
    )
    assert saved.status_code == 302
    response.refresh_from_db()
    assert response.status == "draft" and response.answers == {"has_dormitories": "yes", "min_hiring_age": 16}
    assert (
        "dormitories clean" in client.get(f"/suppliers/portal/questionnaires/{response.pk}/").content.decode()
    )

    incomplete = client.post(f"/suppliers/portal/questionnaires/{response.pk}/", {"action": "submit"})
    assert incomplete.status_code == 422
    assert "An answer is required." in incomplete.content.decode()

    answers = {f"q_{k}": v for k, v in GOOD.items()} | {"q_dormitories_safe": "yes", "action": "submit"}
    done = client.post(f"/suppliers/portal/questionnaires/{response.pk}/", answers)
    assert done.status_code == 302 and done["Location"] == "/portal/"
    response.refresh_from_db()
    assert (
        response.status == "submitted" and response.score == 100.0 and response.submitted_by == supplier_acme
    )
    # the answers now count in the risk score, even before review: no more "not answered" points
    from conduct.apps.suppliers.selectors import risk_explained

    explained = risk_explained(actor=officer, supplier=acme)
    assert explained["facts"]["questionnaire"] == {
        "response": response.pk,
        "status": "submitted",
        "score": 100.0,
    }
    assert not any(d["name"] == "questionnaire" for d in explained["drivers"])


def test_the_htmx_preview_shows_conditional_questions_without_saving(api_client, supplier_acme, acme):
    response = acme_questionnaire(acme)
    preview = api_client(supplier_acme).post(
        f"/suppliers/portal/questionnaires/{response.pk}/",
        {"action": "preview", "q_hazardous_chemicals": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200
    assert "safety data sheets" in preview.content.decode()
    response.refresh_from_db()
    assert response.answers == {}


def test_officer_returns_answers_with_comments_and_the_supplier_resubmits(
    api_client, supplier_acme, acme, officer, bearer
):
    response = acme_questionnaire(acme)
    services.questionnaire_save(
        actor=supplier_acme, response=response, answers={**GOOD, "documents_retained": "yes"}, submit=True
    )
    response.refresh_from_db()
    assert response.flags and response.flags[0]["question"] == "documents_retained"

    review = api_client(officer).post(
        f"/suppliers/questionnaires/{response.pk}/",
        {
            "decision": "return",
            "comment": "Please explain.",
            "comment_documents_retained": "Who keeps them, and why?",
        },
    )
    assert review.status_code == 302
    response.refresh_from_db()
    assert response.status == "returned" and response.question_comments == {
        "documents_retained": "Who keeps them, and why?"
    }
    page = api_client(supplier_acme).get(f"/suppliers/portal/questionnaires/{response.pk}/").content.decode()
    assert "Who keeps them, and why?" in page

    api = api_client()
    fixed = api.patch(
        f"/api/v1/questionnaire-responses/{response.pk}",
        json.dumps({"answers": {"documents_retained": "no"}, "submit": True}),
        content_type="application/json",
        **bearer(supplier_acme),
    )
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["status"] == "submitted" and fixed.json()["flags"] == []
    accepted = api.post(
        f"/api/v1/questionnaire-responses/{response.pk}/review",
        json.dumps({"decision": "accept"}),
        content_type="application/json",
        **bearer(officer),
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_a_supplier_sees_only_its_own_records_in_the_api(
    api_client, supplier_acme, acme, other_supplier, bearer
):
    client, headers = api_client(), bearer(supplier_acme)
    suppliers = client.get("/api/v1/suppliers", **headers).json()
    assert [s["external_id"] for s in suppliers["items"]] == ["ACME-001"]
    assert suppliers["items"][0]["risk_score"] is None  # internal: not shown to the supplier
    assert {
        r["supplier_id"] for r in client.get("/api/v1/questionnaire-responses", **headers).json()["items"]
    } == {acme.pk}
    assert {c["supplier_id"] for c in client.get("/api/v1/certificates", **headers).json()["items"]} == {
        acme.pk
    }
    assert {
        a["supplier_id"] for a in client.get("/api/v1/corrective-actions", **headers).json()["items"]
    } == {acme.pk}
    assert client.get(f"/api/v1/suppliers/{acme.pk}/risk", **headers).status_code == 403

    theirs = QuestionnaireResponse.objects.get(supplier=other_supplier)
    cert = Certificate.objects.filter(supplier=other_supplier).first()
    for url in (
        f"/api/v1/suppliers/{other_supplier.pk}",
        f"/api/v1/questionnaire-responses/{theirs.pk}",
        f"/api/v1/certificates/{cert.pk}",
        f"/api/v1/certificates/{cert.pk}/file",
    ):
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    answer = client.patch(
        f"/api/v1/questionnaire-responses/{theirs.pk}",
        json.dumps({"answers": {"min_hiring_age": 15}}),
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 404
    created = client.post(
        f"/api/v1/suppliers/{other_supplier.pk}/certificates",
        json.dumps({"standard": "SA8000", "number": "FAKE-1", "valid_until": "2030-01-01"}),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 404
    assert not Certificate.objects.filter(number="FAKE-1").exists()


def test_a_supplier_gets_404_for_another_suppliers_pages_and_403_for_staff_pages(
    api_client, supplier_acme, acme, other_supplier
):
    client = api_client(supplier_acme)
    theirs = QuestionnaireResponse.objects.get(supplier=other_supplier)
    assert client.get(f"/suppliers/portal/questionnaires/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/suppliers/portal/questionnaires/{theirs.pk}/", {"action": "save"}).status_code == 404
    )
    mtl_action = CorrectiveAction.objects.filter(supplier__external_id="MTL-005").first()
    assert client.get(f"/suppliers/portal/actions/{mtl_action.pk}/").status_code == 404
    for page in (
        "/suppliers/",
        f"/suppliers/{acme.pk}/",
        f"/suppliers/{other_supplier.pk}/",
        "/suppliers/actions/",
    ):
        assert client.get(page).status_code == 403, page
    portal = client.get("/portal/").content.decode()
    assert "Shenzhen Boards" not in portal and "Penang" not in portal and "Acme" in portal

    brd_user = api_client(supplier_acme.__class__.objects.get(username="supplier_brd"))
    mine = QuestionnaireResponse.objects.get(supplier=acme)
    assert brd_user.get(f"/suppliers/portal/questionnaires/{mine.pk}/").status_code == 404


def test_a_supplier_uploads_a_certificate_and_works_its_corrective_action(
    api_client, supplier_acme, acme, media
):
    client = api_client(supplier_acme)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client.post(
        "/suppliers/portal/certificates/new",
        {
            "standard": "ISO 45001",
            "number": "OHS-ACME-1",
            "issuer": "SGS",
            "valid_until": "2029-06-30",
            "file": SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert upload.status_code == 302, upload.content[:500]
    cert = Certificate.objects.get(number="OHS-ACME-1")
    assert cert.supplier == acme and cert.file_type == "application/pdf" and len(cert.file_sha256) == 64
    download = client.get(f"/suppliers/certificates/{cert.pk}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    plan = CorrectiveAction.objects.filter(supplier=acme, status="open").first()
    worked = client.post(
        f"/suppliers/portal/actions/{plan.pk}/",
        {
            "root_cause": "No check of kit contents.",
            "evidence": "Photos of restocked kits.",
            "status": "in_progress",
        },
    )
    assert worked.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "in_progress" and plan.root_cause == "No check of kit contents."
    closing = client.post(f"/suppliers/portal/actions/{plan.pk}/", {"status": "closed"})
    assert closing.status_code == 403  # only the compliance team verifies and closes
    plan.refresh_from_db()
    assert plan.status == "in_progress"
