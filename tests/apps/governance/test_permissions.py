"""Who may do what in governance: deny by default, auditors read only, liaisons see their own units."""

from __future__ import annotations

import datetime as dt

import pytest

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.governance import services
from conduct.apps.governance.models import Recommendation
from tests.apps.governance.conftest import post_json

pytestmark = pytest.mark.django_db

IN_A_MONTH = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_someone_not_on_the_committee_cannot_vote(tec_case, vote, cast):
    for username in [
        "advisory_chair",
        "officer",
        "liaison_uk",
    ]:  # another committee, the secretary, a liaison
        response = vote(cast(username), tec_case, "approve")
        assert response.status_code in (403, 404), (username, response.content)
    assert vote(cast("advisory_chair"), tec_case, "approve").json()["error"]["code"] == "not_a_member"
    assert not tec_case.votes.exists()


def test_the_auditor_reads_everything_but_writes_nothing(tec_case, vote, cast, api_client, auditor):
    client = api_client(auditor)
    assert client.get(f"/api/v1/cases/{tec_case.pk}").status_code == 200
    assert client.get("/api/v1/recommendations").status_code == 200
    assert client.get(f"/governance/cases/{tec_case.pk}/").status_code == 200
    before = LedgerEntry.objects.count()
    writes = [
        ("/api/v1/cases", {"title": "x", "dimension": "labour", "queue": "compliance-officers"}),
        (f"/api/v1/cases/{tec_case.pk}/votes", {"choice": "approve", "rationale": "x"}),
        (f"/api/v1/cases/{tec_case.pk}/comments", {"body": "x"}),
        (f"/api/v1/cases/{tec_case.pk}/conflicts", {"reason": "x"}),
        (f"/api/v1/cases/{tec_case.pk}/status", {"status": "closed", "reason": "x"}),
        (f"/api/v1/cases/{tec_case.pk}/decision", {"outcome": "approve", "rationale": "x"}),
        ("/api/v1/recommendations", {"title": "x", "org_unit": "br-uk", "due_date": IN_A_MONTH}),
        ("/api/v1/committees", {"slug": "audit-committee", "name": "x", "mandate": "advises"}),
    ]
    for url, body in writes:
        response = post_json(client, url, body)
        assert response.status_code == 403, (url, response.content)
    page = client.post(f"/governance/cases/{tec_case.pk}/vote", {"choice": "approve", "rationale": "x"})
    assert page.status_code == 403
    assert LedgerEntry.objects.count() == before


def test_portal_users_see_no_cases_or_recommendations(tec_case, cast, api_client):
    for username in ["supplier_acme", "customer_metro"]:
        client = api_client(cast(username))
        for url in [
            "/api/v1/cases",
            f"/api/v1/cases/{tec_case.pk}",
            "/api/v1/recommendations",
            "/api/v1/liaison-network",
        ]:
            assert client.get(url).status_code == 403, url
        assert client.get(f"/governance/cases/{tec_case.pk}/").status_code == 403


def test_a_liaison_sees_only_the_recommendations_of_their_unit(officer, liaison_uk, liaison_de, api_client):
    uk = services.recommendation_create(
        actor=officer,
        title="Train UK sales on end-use checks",
        org_unit=OrgUnit.objects.get(code="br-uk"),
        due_date=dt.date.today(),
    )
    de = services.recommendation_create(
        actor=officer,
        title="Works council consultation",
        org_unit=OrgUnit.objects.get(code="br-de"),
        due_date=dt.date.today(),
    )
    listed = api_client(liaison_uk).get("/api/v1/recommendations?limit=500").json()["items"]
    assert uk.pk in [i["id"] for i in listed] and de.pk not in [i["id"] for i in listed]
    assert api_client(liaison_uk).get(f"/api/v1/recommendations/{de.pk}").status_code == 404
    assert api_client(liaison_uk).get(f"/governance/recommendations/{de.pk}/").status_code == 404
    refused = post_json(
        api_client(liaison_uk), f"/api/v1/recommendations/{de.pk}", {"status": "in_progress"}, "patch"
    )
    assert refused.status_code == 404
    html = api_client(liaison_uk).get("/governance/recommendations/").content.decode()
    assert "Train UK sales" in html and "Works council" not in html
    assert api_client(liaison_de).get(f"/api/v1/recommendations/{de.pk}").status_code == 200


def test_a_liaison_cannot_see_a_case_of_another_branch_unless_on_its_committee(tec_case, cast, api_client):
    assert api_client(cast("liaison_de")).get(f"/api/v1/cases/{tec_case.pk}").status_code == 404
    assert api_client(cast("liaison_uk")).get(f"/api/v1/cases/{tec_case.pk}").status_code == 200
    # ethics_engineer is scoped to R&D only, but sits on the committee the case is referred to
    assert api_client(cast("ethics_engineer")).get(f"/api/v1/cases/{tec_case.pk}").status_code == 200


def test_only_officers_decide_the_officers_queue_and_nobody_votes_there(officer, cast, api_client):
    case = services.case_create(
        actor=officer,
        title="Supplier dormitory conditions",
        dimension="labour",
        queue="compliance-officers",
        org_unit=OrgUnit.objects.get(code="hq-procurement"),
    )
    body = {"outcome": "reject", "rationale": "Not acceptable."}
    assert post_json(api_client(cast("admin")), f"/api/v1/cases/{case.pk}/decision", body).status_code == 403
    assert post_json(
        api_client(cast("ethics_chair")),
        f"/api/v1/cases/{case.pk}/votes",
        {"choice": "approve", "rationale": "x"},
    ).status_code in (404, 409)
    assert Recommendation.objects.filter(case=case).count() == 0


def test_only_committee_managers_change_committees(cast, api_client):
    body = {"slug": "privacy-board", "name": "Privacy Board", "mandate": "advises"}
    assert post_json(api_client(cast("ethics_chair")), "/api/v1/committees", body).status_code == 403
    assert post_json(api_client(cast("officer")), "/api/v1/committees", body).status_code == 201
