"""Cases by hand, their status and rounds, the discussion thread, documents, the officers' queue and the
advisory committee."""

from __future__ import annotations

import base64

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.gates.models import GateDecision
from conduct.apps.governance import services
from conduct.apps.governance.models import CaseDocument, Committee, Recommendation
from tests.apps.governance.conftest import post_json

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_officer_opens_a_case_by_hand_with_the_rights_at_stake(officer, api_client):
    body = {
        "title": "Worker voice at the Shenzhen plant",
        "dimension": "labour",
        "queue": "technical-ethics",
        "org_unit": "br-shenzhen",
        "rights": ["assembly", "working_conditions"],
        "subject_type": "supplier",
        "subject_ref": "Acme Electronics Assembly Ltd.",
        "due_days": 7,
    }
    response = post_json(api_client(officer), "/api/v1/cases", body)
    assert response.status_code == 201, response.content
    case = response.json()
    assert (case["committee"], case["status"], case["source"], case["org_unit"]) == (
        "technical-ethics",
        "open",
        "manual",
        "br-shenzhen",
    )
    assert case["rights"] == ["assembly", "working_conditions"]
    assert case["subject"] == {
        "type": "supplier",
        "ref": "Acme Electronics Assembly Ltd.",
        "gate_decision": None,
    }
    assert case["tally"]["quorum"] == 2 and case["decision"] is None
    assert case["committee_rule"] == "quorum 50% of eligible members, simple majority, the chair breaks ties"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"queue": "no-such-committee"}, "queue"),
        ({"org_unit": "nowhere"}, "org_unit"),
        ({"rights": ["happiness"]}, "rights[0]"),
        ({"dimension": "weather"}, "dimension"),
        ({"title": ""}, "title"),
        ({"gate_decision": 999999}, "gate_decision"),
    ],
)
def test_a_bad_case_is_refused_naming_the_field(officer, api_client, change, field):
    before = LedgerEntry.objects.count()
    body = {"title": "A case", "dimension": "labour", "queue": "compliance-officers", **change}
    response = post_json(api_client(officer), "/api/v1/cases", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert LedgerEntry.objects.count() == before


def test_a_referral_to_a_committee_by_its_long_slug_or_an_unknown_one(officer):
    assert services.committee_for_queue("technical-ethics-committee").slug == "technical-ethics"
    assert services.committee_for_queue("global-advisory-committee").slug == "global-advisory"
    case = services.case_open(
        actor=SYSTEM, title="From a pack with a typo", dimension="product", queue="ethics-board"
    )
    assert case.committee is None and case.queue == "compliance-officers"
    assert "'ethics-board'" in case.description


def test_status_moves_and_a_reopened_case_gets_a_new_round(tec_case, vote, cast, api_client, officer):
    client = api_client(officer)  # the committee's secretary and a compliance officer
    assert (
        post_json(client, f"/api/v1/cases/{tec_case.pk}/status", {"status": "under_review"}).json()["status"]
        == "under_review"
    )
    vote(cast("ethics_member"), tec_case, "reject")
    vote(cast("ethics_external"), tec_case, "reject")
    assert client.get(f"/api/v1/cases/{tec_case.pk}").json()["status"] == "decided"
    no_reason = post_json(client, f"/api/v1/cases/{tec_case.pk}/status", {"status": "open"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    reopened = post_json(
        client,
        f"/api/v1/cases/{tec_case.pk}/status",
        {"status": "open", "reason": "New facts from the customer."},
    )
    assert reopened.json()["round"] == 2 and reopened.json()["decision"] is None
    # the first decision stays on record; votes start afresh
    assert tec_case.decisions.count() == 1
    again = vote(cast("ethics_member"), tec_case, "approve").json()
    assert again["vote"]["round"] == 2 and again["tally"]["cast"] == 1
    assert (
        vote(cast("ethics_chair"), tec_case, "approve").json()["decision"]["note"].startswith("Gate decision")
    )
    closed = post_json(client, f"/api/v1/cases/{tec_case.pk}/status", {"status": "closed"})
    assert closed.json()["status"] == "closed"
    assert (
        post_json(client, f"/api/v1/cases/{tec_case.pk}/status", {"status": "under_review"}).status_code
        == 409
    )


def test_a_member_who_is_not_chair_or_secretary_cannot_change_the_status(tec_case, cast, api_client):
    response = post_json(
        api_client(cast("ethics_member")), f"/api/v1/cases/{tec_case.pk}/status", {"status": "under_review"}
    )
    assert response.status_code == 403
    chair = post_json(
        api_client(cast("ethics_chair")), f"/api/v1/cases/{tec_case.pk}/status", {"status": "under_review"}
    )
    assert chair.status_code == 200


def test_the_discussion_thread(tec_case, cast, api_client):
    client = api_client(cast("ethics_external"))
    assert (
        post_json(
            client, f"/api/v1/cases/{tec_case.pk}/comments", {"body": "Which council department?"}
        ).status_code
        == 201
    )
    assert (
        post_json(
            api_client(cast("liaison_uk")), f"/api/v1/cases/{tec_case.pk}/comments", {"body": "Transport."}
        ).status_code
        == 201
    )
    thread = client.get(f"/api/v1/cases/{tec_case.pk}/comments").json()["items"]
    assert [(c["author"], c["body"]) for c in thread] == [
        ("ethics_external", "Which council department?"),
        ("liaison_uk", "Transport."),
    ]
    assert post_json(client, f"/api/v1/cases/{tec_case.pk}/comments", {"body": "   "}).status_code == 422


def test_documents_are_checked_for_type_and_content_and_downloadable(tec_case, cast, api_client):
    client = api_client(cast("liaison_uk"))
    url = f"/api/v1/cases/{tec_case.pk}/documents"
    ok = post_json(
        client,
        url,
        {"filename": "dpia.pdf", "kind": "assessment", "content_base64": base64.b64encode(PDF).decode()},
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["sha256"] and ok.json()["content_type"] == "application/pdf"
    exe = post_json(
        client, url, {"filename": "tool.exe", "content_base64": base64.b64encode(b"MZ...").decode()}
    )
    assert exe.status_code == 422 and "file" in exe.json()["error"]["fields"]
    disguised = post_json(
        client, url, {"filename": "report.pdf", "content_base64": base64.b64encode(b"MZ\x90\x00").decode()}
    )
    assert disguised.status_code == 422 and "not a .pdf" in disguised.json()["error"]["fields"]["file"]
    not_b64 = post_json(client, url, {"filename": "a.txt", "content_base64": "***"})
    assert not_b64.status_code == 422 and "content_base64" in not_b64.json()["error"]["fields"]
    document = CaseDocument.objects.get(case=tec_case)
    download = client.get(f"/governance/cases/{tec_case.pk}/documents/{document.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        api_client(cast("liaison_de"))
        .get(f"/governance/cases/{tec_case.pk}/documents/{document.pk}")
        .status_code
        == 404
    )


def test_an_oversized_upload_through_the_page_is_refused(tec_case, cast, api_client, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr(services.discussion, "MAX_DOCUMENT_BYTES", 10)
    response = api_client(cast("liaison_uk")).post(
        f"/governance/cases/{tec_case.pk}/documents",
        {
            "kind": "evidence",
            "file": SimpleUploadedFile("notes.txt", b"more than ten bytes", content_type="text/plain"),
        },
    )
    assert response.status_code == 422 and "the limit is 10 bytes" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_an_officer_decides_an_officers_queue_case_alone_and_its_conditions_are_routed(
    officer, cast, api_client
):
    case = services.case_create(
        actor=officer,
        title="Onboarding with gaps",
        dimension="supply_chain",
        queue="compliance-officers",
        org_unit=OrgUnit.objects.get(code="br-br"),
    )
    body = {
        "outcome": "approve_with_conditions",
        "rationale": "Proceed once audited.",
        "conditions": ["Independent social audit within 90 days"],
    }
    response = post_json(api_client(officer), f"/api/v1/cases/{case.pk}/decision", body)
    assert response.status_code == 201, response.content
    decision = response.json()
    assert (
        decision["method"] == "officer"
        and decision["binding"]
        and decision["decided_by"].endswith(":officer")
    )
    item = Recommendation.objects.get(case=case)
    # br-br has no liaison: the item goes to its parent's (Global Sales)
    assert (item.org_unit.code, item.routed_unit.code, item.source) == ("br-br", "hq-sales", "officer")
    assert [u.username for u in item.assignees.all()] == ["liaison_sales"]
    assert post_json(api_client(officer), f"/api/v1/cases/{case.pk}/decision", body).status_code == 409


def test_the_advisory_committee_gives_opinions_that_never_resolve_a_gate(
    gate_review, officer, cast, vote, api_client
):
    case = services.case_create(
        actor=officer,
        title="Advice on the council deal",
        dimension="product",
        queue="global-advisory",
        gate_decision=gate_review,
    )
    vote(
        cast("advisory_chair"),
        case,
        "approve_with_conditions",
        "Publish the deployment.",
        ["Publish an annual transparency note"],
    )
    decision = vote(cast("advisory_member"), case, "approve", "Agree.").json()["decision"]
    assert decision["binding"] is False and decision["gate_outcome"] is None
    assert "advisory opinion" in decision["note"]
    assert GateDecision.objects.get(pk=gate_review.pk).resolved_at is None
    item = Recommendation.objects.get(case=case)
    assert (item.kind, item.source, item.title) == (
        "recommendation",
        "advisory_opinion",
        "Publish an annual transparency note",
    )


def test_a_committee_rule_is_configurable_per_committee(officer, cast, api_client, tec_case, vote):
    committee = Committee.objects.get(slug="technical-ethics")
    response = post_json(
        api_client(officer),
        f"/api/v1/committees/{committee.pk}",
        {"quorum_ratio": 0.75, "majority": "two_thirds"},
        "patch",
    )
    assert response.status_code == 200, response.content
    assert response.json()["rule"] == "quorum 75% of eligible members, two-thirds to approve"
    vote(cast("ethics_member"), tec_case, "approve")
    assert (
        vote(cast("ethics_engineer"), tec_case, "approve")
        .json()["tally"]["reason"]
        .startswith("No quorum yet: 2 of the 3")
    )
    decision = vote(cast("ethics_external"), tec_case, "reject").json()["decision"]
    assert decision["outcome"] == "approve"  # 2 of 3 is two-thirds
    bad = post_json(api_client(officer), f"/api/v1/committees/{committee.pk}", {"quorum_ratio": 0}, "patch")
    assert bad.status_code == 422 and "quorum_ratio" in bad.json()["error"]["fields"]


def test_members_with_roles_and_terms(officer, cast, api_client):
    committee = post_json(
        api_client(officer),
        "/api/v1/committees",
        {"slug": "supply-chain-panel", "name": "Supply Chain Panel", "mandate": "decides"},
    ).json()
    url = f"/api/v1/committees/{committee['id']}/members"
    chair = post_json(
        api_client(officer), url, {"user": "analyst", "role": "chair", "term_end": "2030-12-31"}
    )
    assert chair.status_code == 201 and chair.json()["votes"] is True
    assert post_json(api_client(officer), url, {"user": "liaison_hr", "role": "chair"}).status_code == 409
    secretary = post_json(api_client(officer), url, {"user": "liaison_hr", "role": "secretary"}).json()
    assert secretary["votes"] is False
    ended = post_json(api_client(officer), f"{url}/{chair.json()['id']}", {"term_end": "2020-01-01"}, "patch")
    assert ended.status_code == 422  # before the term started
    assert post_json(api_client(officer), url, {"user": "supplier_acme"}).status_code == 422
    assert post_json(api_client(officer), url, {"user": "nobody"}).json()["error"]["fields"] == {
        "user": "No active user 'nobody'."
    }
