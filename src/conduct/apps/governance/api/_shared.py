"""Shared pieces of the governance API: the enumerations in its schemas and reference look-ups."""

from typing import Any, Literal

from conduct.apps.accounts.models import User
from conduct.apps.accounts.selectors import orgunit_get
from conduct.apps.errors import Invalid, NotFound

MemberRole = Literal["chair", "member", "secretary", "external_expert"]
DimensionName = Literal["product", "labour", "supply_chain"]
CaseStatus = Literal["open", "under_review", "decided", "closed"]
Choice = Literal["approve", "approve_with_conditions", "reject", "abstain"]
Outcome = Literal["approve", "approve_with_conditions", "reject"]
Right = Literal[
    "privacy",
    "expression",
    "assembly",
    "movement",
    "non_discrimination",
    "liberty_security",
    "fair_trial",
    "life",
    "forced_labour",
    "child_labour",
    "working_conditions",
    "health_safety",
    "remedy",
]
SubjectType = Literal["gate_decision", "supplier", "product", "deal", "screening_alert", "grievance", "other"]
DocKind = Literal["evidence", "assessment", "minutes", "correspondence", "other"]
RecStatus = Literal["open", "in_progress", "done", "cancelled"]


def unit_ref(actor: User, code: str, field: str) -> Any:
    """The org unit a body or query names, or a 422 naming the field."""
    try:
        return orgunit_get(actor=actor, unit_id=code)
    except NotFound:
        raise Invalid("Unknown org unit.", fields={field: f"No org unit {code!r} you can see."}) from None
