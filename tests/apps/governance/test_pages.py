"""The governance pages: committees, case list and filters, the case page and its forms, cases by hand."""

from __future__ import annotations

import pytest

from conduct.apps.governance.models import Case

pytestmark = pytest.mark.django_db


def test_committee_pages_show_members_and_the_rule(officer, api_client):
    client = api_client(officer)
    html = client.get("/governance/committees/").content.decode()
    assert "Technical Ethics Committee" in html and "Create a committee" in html
    from conduct.apps.governance.models import Committee

    tec = Committee.objects.get(slug="technical-ethics")
    detail = client.get(f"/governance/committees/{tec.pk}/").content.decode()
    assert "quorum 50% of eligible members, simple majority, the chair breaks ties" in detail.lower()
    assert "Elena Petrova" in detail and "Save the rule" in detail
    saved = client.post(
        f"/governance/committees/{tec.pk}/rule", {"quorum_ratio": "0.6", "majority": "simple"}
    )
    assert saved.status_code == 302
    tec.refresh_from_db()
    assert str(tec.quorum_ratio) == "0.60" and tec.chair_breaks_ties is False
    bad = client.post(f"/governance/committees/{tec.pk}/rule", {"quorum_ratio": "3", "majority": "simple"})
    assert bad.status_code == 422


def test_a_member_sees_no_management_forms(cast, api_client):
    html = api_client(cast("ethics_member")).get("/governance/committees/").content.decode()
    assert "Create a committee" not in html


def test_the_case_list_filters_by_status_queue_and_dimension(tec_case, officer, api_client):
    client = api_client(officer)
    assert (
        f"/governance/cases/{tec_case.pk}/"
        in client.get("/governance/cases/?queue=technical-ethics&dimension=product").content.decode()
    )
    assert (
        f"/governance/cases/{tec_case.pk}/"
        not in client.get("/governance/cases/?status=closed").content.decode()
    )
    partial = client.get("/governance/cases/?dimension=labour", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<h1>" not in partial.content.decode()
    assert "Unknown status" in client.get("/governance/cases/?status=bogus").content.decode()
    mine = api_client(tec_case.committee.members.get(role="chair").user).get("/governance/cases/?mine=1")
    assert tec_case.title in mine.content.decode()


def test_a_member_votes_on_the_case_page_and_the_decision_shows_with_dissent(
    tec_case, vote, cast, api_client
):
    vote(cast("ethics_member"), tec_case, "reject", "Too intrusive.")
    vote(
        cast("ethics_external"),
        tec_case,
        "approve_with_conditions",
        "With limits.",
        ["Retention at most 31 days"],
    )
    chair = api_client(cast("ethics_chair"))
    page = chair.get(f"/governance/cases/{tec_case.pk}/").content.decode()
    assert "Cast vote" in page and "Tied 1 to 1" in page and "D-2009" in page
    response = chair.post(
        f"/governance/cases/{tec_case.pk}/vote",
        {
            "choice": "approve_with_conditions",
            "rationale": "Proportionate with limits.",
            "conditions": "Retention at most 31 days\nAnnual audit",
        },
    )
    assert response.status_code == 302
    page = chair.get(f"/governance/cases/{tec_case.pk}/").content.decode()
    assert "Approved with conditions" in page and "Too intrusive." in page  # the dissent
    assert "the business may proceed" in page and "Annual audit" in page and "Grace Thompson" in page
    assert "Cast vote" not in page


def test_the_secretary_and_outsiders_get_no_vote_form(tec_case, officer, cast, api_client):
    assert "do not vote" in api_client(officer).get(f"/governance/cases/{tec_case.pk}/").content.decode()
    assert (
        "Cast vote"
        not in api_client(cast("liaison_uk")).get(f"/governance/cases/{tec_case.pk}/").content.decode()
    )
    refused = api_client(cast("liaison_uk")).post(
        f"/governance/cases/{tec_case.pk}/vote", {"choice": "approve", "rationale": "x"}
    )
    assert refused.status_code == 403


def test_a_bad_vote_on_the_page_shows_what_is_wrong(tec_case, cast, api_client):
    response = api_client(cast("ethics_member")).post(
        f"/governance/cases/{tec_case.pk}/vote", {"choice": "approve_with_conditions", "rationale": "ok"}
    )
    assert response.status_code == 422 and "needs at least one condition" in response.content.decode()


def test_conflict_comment_and_status_forms(tec_case, officer, cast, api_client):
    engineer = api_client(cast("ethics_engineer"))
    assert (
        engineer.post(f"/governance/cases/{tec_case.pk}/conflict", {"reason": "Former employer."}).status_code
        == 302
    )
    page = engineer.get(f"/governance/cases/{tec_case.pk}/").content.decode()
    assert "cannot vote" in page and "Former employer." in page
    assert (
        engineer.post(f"/governance/cases/{tec_case.pk}/comments", {"body": "Recusing myself."}).status_code
        == 302
    )
    assert (
        api_client(officer)
        .post(f"/governance/cases/{tec_case.pk}/status", {"status": "under_review"})
        .status_code
        == 302
    )
    assert Case.objects.get(pk=tec_case.pk).status == "under_review"
    edited = api_client(officer).post(
        f"/governance/cases/{tec_case.pk}/edit", {"rights": ["privacy", "assembly"], "due_date": "2030-06-30"}
    )
    assert edited.status_code == 302
    case = Case.objects.get(pk=tec_case.pk)
    assert case.rights == ["privacy", "assembly"] and case.due_at.date().isoformat() == "2030-06-30"
    assert (
        "Privacy, Freedom of assembly"
        in api_client(officer).get(f"/governance/cases/{tec_case.pk}/").content.decode()
    )


def test_an_officer_opens_and_decides_a_case_through_the_pages(officer, api_client):
    client = api_client(officer)
    assert client.get("/governance/cases/new").status_code == 200
    created = client.post(
        "/governance/cases/new",
        {
            "title": "Overtime at the Shenzhen plant",
            "dimension": "labour",
            "queue": "compliance-officers",
            "rights": ["working_conditions"],
            "due_days": "10",
        },
    )
    assert created.status_code == 302, created.content.decode()[:500]
    case = Case.objects.get(title="Overtime at the Shenzhen plant")
    assert "Decide (compliance officer)" in client.get(f"/governance/cases/{case.pk}/").content.decode()
    decided = client.post(
        f"/governance/cases/{case.pk}/decide", {"outcome": "reject", "rationale": "Unlawful hours."}
    )
    assert decided.status_code == 302
    assert "Rejected" in client.get(f"/governance/cases/{case.pk}/").content.decode()


def test_the_recommendations_page_filters_by_unit(officer, api_client):
    import datetime as dt

    from conduct.apps.accounts.models import OrgUnit

    client = api_client(officer)
    made = client.post(
        "/governance/recommendations/new",
        {
            "title": "Update the UK privacy notice",
            "org_unit": OrgUnit.objects.get(code="br-uk").pk,
            "due_date": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
            "kind": "task",
            "source": "audit",
        },
    )
    assert made.status_code == 302
    assert (
        "Update the UK privacy notice"
        in client.get("/governance/recommendations/?unit=br-uk").content.decode()
    )
    assert (
        "Update the UK privacy notice"
        not in client.get("/governance/recommendations/?unit=br-de").content.decode()
    )
    assert client.post("/governance/recommendations/escalate").status_code == 302
