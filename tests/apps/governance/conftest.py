"""Fixtures for governance: a gate review referred to the Technical Ethics Committee, and votes on it.

The Technical Ethics Committee of the demo has four voting members (ethics_chair, ethics_member,
ethics_engineer, ethics_external) and a secretary who does not vote (officer): under the default rule
(quorum half of the eligible members, simple majority, the chair breaks ties) two votes make a quorum.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

# A sales deal the default policy refers to the Technical Ethics Committee (and nowhere else):
# facial recognition for a city council.
TEC_DEAL = {
    "reference": "D-2009",
    "parties": [
        {"role": "end_user", "name": "Riverside City Council", "country": "GB", "sector": "government_civil"}
    ],
    "items": [{"sku": "AI-LIC-FR", "capabilities": ["facial_recognition"], "quantity": 1}],
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


def refer_to_tec(officer: Any) -> Any:
    """Record TEC_DEAL for the UK branch as `officer`; the policy sends it to review. Returns the gate
    decision.

    Plain functions so that other tests (the central authorization matrix) build the same case."""
    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.gates.services import gate_decide

    decided = gate_decide(
        actor=officer, gate="sales_deal", subject=dict(TEC_DEAL), org_unit=OrgUnit.objects.get(code="br-uk")
    )
    assert decided.decision.outcome == "review"
    return decided.decision


def tec_case_of(gate_review: Any) -> Any:
    """The case the gate review opened for the Technical Ethics Committee."""
    case = gate_review.cases.get()
    assert case.committee is not None and case.committee.slug == "technical-ethics"
    return case


@pytest.fixture
def gate_review(officer: Any) -> Any:
    """A recorded sales-deal decision for the UK branch that the policy sent to review."""
    return refer_to_tec(officer)


@pytest.fixture
def tec_case(gate_review: Any) -> Any:
    """The case the gate review opened for the Technical Ethics Committee."""
    return tec_case_of(gate_review)


@pytest.fixture
def vote(api_client: Any) -> Any:
    """vote(user, case, choice, rationale=..., conditions=[...]) -> the API response."""

    def cast(
        user: Any, case: Any, choice: str, rationale: str = "Considered the end use.", conditions: Any = None
    ) -> Any:
        body = {"choice": choice, "rationale": rationale, "conditions": conditions or []}
        return api_client(user).post(
            f"/api/v1/cases/{case.pk}/votes", data=json.dumps(body), content_type="application/json"
        )

    return cast


def post_json(client: Any, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
