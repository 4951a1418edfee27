"""The issue's "done when": a gate review opens a case for the Technical Ethics Committee, members vote, the
quorum is met, the decision resolves the gate decision and its conditions become recommendations for the
liaisons; a conflicted member cannot vote; without quorum there is no decision."""

from __future__ import annotations

import pytest
from django.core import mail

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.governance.models import CaseDecision, ImmutableRecord, Recommendation
from conduct.apps.notifications.models import Notification
from tests.apps.governance.conftest import post_json

pytestmark = pytest.mark.django_db


def test_a_gate_review_opens_a_case_for_the_committee_and_asks_its_voters(gate_review, cast):
    case = gate_review.cases.get()
    assert (case.queue, case.status, case.round) == ("technical-ethics", "open", 1)
    assert (
        case.source == "gate_decision"
        and case.subject_type == "gate_decision"
        and case.subject_ref == "D-2009"
    )
    assert case.org_unit.code == "br-uk" and case.dimension == "product"
    asked = set(
        Notification.objects.filter(kind="vote_needed", link=f"/governance/cases/{case.pk}/").values_list(
            "user__username", flat=True
        )
    )
    assert asked == {
        "ethics_chair",
        "ethics_member",
        "ethics_engineer",
        "ethics_external",
    }  # not the secretary


def test_votes_reach_quorum_and_the_decision_resolves_the_gate_and_routes_its_conditions(
    tec_case, gate_review, vote, cast, api_client, django_capture_on_commit_callbacks
):
    first = vote(
        cast("ethics_member"),
        tec_case,
        "approve_with_conditions",
        "Acceptable with safeguards.",
        ["Publish a transparency notice at every camera site"],
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["decision"] is None and body["case_status"] == "under_review"
    assert body["tally"]["reason"] == "No quorum yet: 1 of the 2 votes needed have been cast."

    with django_capture_on_commit_callbacks(execute=True):
        second = vote(cast("ethics_chair"), tec_case, "approve", "The council's legal basis is sound.")
    assert second.status_code == 201, second.content
    decision = second.json()["decision"]
    assert decision["outcome"] == "approve_with_conditions" and decision["binding"] is True
    assert decision["gate_outcome"] == "allow"
    assert decision["conditions"] == [
        "Publish a transparency notice at every camera site",
        "Technical Ethics Committee approval of the end use",
    ]
    assert (
        decision["tally"]["quorum"] == 2 and decision["tally"]["eligible"] == 4 and decision["dissent"] == []
    )
    assert "Elena Petrova" in decision["rationale"] and "legal basis" in decision["rationale"]

    gate_review.refresh_from_db()
    assert (gate_review.resolution_outcome, gate_review.resolution_case_id) == ("allow", tec_case.pk)
    assert gate_review.effective_outcome == "allow"

    items = Recommendation.objects.filter(case=tec_case).order_by("id")
    assert [i.title for i in items] == decision["conditions"]
    for item in items:
        assert (item.org_unit.code, item.routed_unit.code, item.kind, item.status) == (
            "br-uk",
            "br-uk",
            "condition",
            "open",
        )
        assert [u.username for u in item.assignees.all()] == ["liaison_uk"]
    conditions = Notification.objects.filter(
        user__username="liaison_uk", kind="assignment", text__contains="condition"
    )
    assert conditions.count() == 2
    assert any("liaison_uk@" in m.to[0] and "transparency notice" in m.body for m in mail.outbox)
    requester_told = [
        m for m in mail.outbox if m.to == ["officer@demo.conduct.invalid"] and "may proceed" in m.subject
    ]
    assert requester_told, [m.subject for m in mail.outbox]

    actions = list(
        LedgerEntry.objects.filter(seq__gt=0).order_by("-seq").values_list("action", flat=True)[:8]
    )
    assert {"case.vote", "gate.resolve", "case.decide", "recommendation.create"} <= set(actions)

    got = api_client(cast("auditor")).get(f"/api/v1/cases/{tec_case.pk}/decision")
    assert got.status_code == 200 and got.json()["id"] == decision["id"]


def test_a_decision_record_is_immutable(tec_case, vote, cast):
    vote(cast("ethics_member"), tec_case, "reject")
    vote(cast("ethics_external"), tec_case, "reject")
    decision = CaseDecision.objects.get(case=tec_case)
    decision.rationale = "rewritten"
    with pytest.raises(ImmutableRecord):
        decision.save()
    with pytest.raises(ImmutableRecord):
        decision.delete()


def test_a_rejection_denies_the_gate_decision_and_records_the_dissent(tec_case, gate_review, vote, cast):
    vote(cast("ethics_member"), tec_case, "reject", "Mass identification in public space.")
    vote(cast("ethics_engineer"), tec_case, "approve", "The deployment is narrow.")
    assert tec_case.decisions.count() == 0  # tied 1-1 and the chair has not voted
    response = vote(cast("ethics_chair"), tec_case, "reject", "I side with the risk.")
    decision = response.json()["decision"]
    assert decision["outcome"] == "reject" and decision["gate_outcome"] == "deny"
    assert [d["voter"] for d in decision["dissent"]] == ["ethics_engineer"]
    assert decision["dissent"][0]["rationale"] == "The deployment is narrow."
    gate_review.refresh_from_db()
    assert gate_review.effective_outcome == "deny"
    assert not Recommendation.objects.filter(case=tec_case).exists()


def test_a_conflicted_member_cannot_vote(tec_case, vote, cast, api_client):
    engineer = cast("ethics_engineer")
    declared = post_json(
        api_client(engineer),
        f"/api/v1/cases/{tec_case.pk}/conflicts",
        {"reason": "My brother works for the integrator."},
    )
    assert declared.status_code == 201, declared.content
    assert declared.json()["tally"]["eligible"] == 3
    refused = vote(engineer, tec_case, "approve")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "conflicted"
    assert not tec_case.votes.exists()
    again = post_json(api_client(engineer), f"/api/v1/cases/{tec_case.pk}/conflicts", {"reason": "twice"})
    assert again.status_code == 409


def test_a_vote_already_cast_stops_counting_when_its_voter_declares_a_conflict(
    tec_case, vote, cast, api_client
):
    vote(cast("ethics_engineer"), tec_case, "approve")
    post_json(
        api_client(cast("ethics_engineer")),
        f"/api/v1/cases/{tec_case.pk}/conflicts",
        {"reason": "Found out late."},
    )
    response = vote(cast("ethics_member"), tec_case, "approve")
    tally = response.json()["tally"]
    assert (tally["eligible"], tally["cast"], tally["decided"]) == (3, 1, False)


def test_without_quorum_there_is_no_decision(tec_case, gate_review, vote, cast, api_client):
    response = vote(cast("ethics_external"), tec_case, "approve")
    assert response.json()["decision"] is None
    for username in [
        "admin",
        "officer",
        "liaison_uk",
        "ethics_chair",
        "auditor",
    ]:  # everyone who sees the case
        undecided = api_client(cast(username)).get(f"/api/v1/cases/{tec_case.pk}/decision")
        assert undecided.status_code == 404 and undecided.json()["error"]["code"] == "not_found", username
    tec_case.refresh_from_db()
    gate_review.refresh_from_db()
    assert tec_case.status == "under_review" and gate_review.resolved_at is None
    assert not Recommendation.objects.filter(case=tec_case).exists()


def test_a_member_votes_once_per_round_and_not_after_the_decision(tec_case, vote, cast):
    assert vote(cast("ethics_member"), tec_case, "approve").status_code == 201
    assert vote(cast("ethics_member"), tec_case, "reject").status_code == 409
    assert vote(cast("ethics_chair"), tec_case, "approve").json()["decision"]["outcome"] == "approve"
    late = vote(cast("ethics_external"), tec_case, "reject")
    assert late.status_code == 409 and "votes are closed" in late.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choice": "approve_with_conditions", "rationale": "ok", "conditions": []}, "conditions"),
        ({"choice": "approve", "rationale": "ok", "conditions": ["x"]}, "conditions"),
        ({"choice": "approve", "rationale": "   "}, "rationale"),
        ({"choice": "maybe", "rationale": "ok"}, "choice"),
    ],
)
def test_a_bad_vote_is_refused_naming_the_field_and_changes_nothing(tec_case, cast, api_client, body, field):
    before = LedgerEntry.objects.count()
    response = post_json(api_client(cast("ethics_member")), f"/api/v1/cases/{tec_case.pk}/votes", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert LedgerEntry.objects.count() == before and not tec_case.votes.exists()
