"""One gate review referred to the compliance officers and a committee: two cases told apart by their queue,
and the one left open is closed, on the ledger, when the other decides the review."""

from __future__ import annotations

from typing import Any

import pytest

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit import reconcile
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.gates.services import gate_decide
from conduct.apps.governance.models import Case
from conduct.apps.governance.services import case_vote
from conduct.events.governance import visible_case_ids

pytestmark = pytest.mark.django_db

# Facial recognition for a council goes to the Technical Ethics Committee; an uncatalogued capability to the
# compliance officers.
TWO_QUEUE_DEAL = {
    "reference": "D-2290",
    "parties": [
        {"role": "end_user", "name": "Riverside City Council", "country": "GB", "sector": "government_civil"}
    ],
    "items": [
        {"sku": "AI-LIC-FR", "capabilities": ["facial_recognition"], "quantity": 1},
        {"sku": "X-1", "capabilities": ["crowd_mood_reading"], "quantity": 1},
    ],
}


@pytest.fixture
def review(officer: Any) -> Any:
    decided = gate_decide(
        actor=officer,
        gate="sales_deal",
        subject=dict(TWO_QUEUE_DEAL),
        org_unit=OrgUnit.objects.get(code="br-uk"),
    )
    return decided.decision


def test_the_cases_of_one_review_are_told_apart_by_their_queue(review):
    titles = sorted(review.cases.values_list("title", flat=True))
    assert titles == [
        "Sales deal review: D-2290 (Technical Ethics Committee)",
        "Sales deal review: D-2290 (compliance officers)",
    ]


def test_the_committee_s_decision_closes_the_officers_case_of_the_same_review(review, cast):
    committee_case = review.cases.get(committee__isnull=False)
    officers_case = review.cases.get(committee__isnull=True)
    for voter in ("ethics_member", "ethics_chair"):
        case_vote(actor=cast(voter), case=committee_case, choice="approve", rationale="A sound legal basis.")
    officers_case.refresh_from_db()
    assert officers_case.status == Case.Status.CLOSED and officers_case.closed_at is not None
    entry = LedgerEntry.objects.filter(object_type="case", object_id=str(officers_case.pk)).order_by("-seq")[
        0
    ]
    assert entry.action == "case.status"
    assert entry.summary["to"] == "closed"
    assert entry.summary["reason"] == f"Case {committee_case.pk} decided the same gate review."


def test_without_a_decision_the_other_case_stays_open(review, cast):
    committee_case = review.cases.get(committee__isnull=False)
    officers_case = review.cases.get(committee__isnull=True)
    case_vote(
        actor=cast("ethics_member"), case=committee_case, choice="approve", rationale="Fine."
    )  # no quorum
    officers_case.refresh_from_db()
    assert officers_case.status == Case.Status.OPEN


def test_the_visible_case_ids_provider_answers_only_the_cases_a_person_may_open(review, cast, officer):
    ids = list(review.cases.values_list("pk", flat=True))
    assert visible_case_ids(actor=officer, case_ids=ids) == set(ids)
    assert visible_case_ids(actor=cast("liaison_de"), case_ids=ids) == set()  # a UK branch's review


def test_the_opened_cases_are_ledgered_with_the_state_they_were_stored_with(review):
    spec = reconcile.tracked("case")
    assert spec is not None
    ids = [str(pk) for pk in review.cases.values_list("pk", flat=True)]
    stored = reconcile.states_from_rows(spec, ids)
    recorded = {
        entry.object_id: entry.state
        for entry in LedgerEntry.objects.filter(action="case.open", object_type="case", object_id__in=ids)
    }
    assert recorded == stored and all(recorded.values())
