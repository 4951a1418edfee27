"""Shared pieces of the governance API: the enumerations in its schemas and reference look-ups."""

from typing import Any, Literal

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.accounts.selectors import orgunit_get
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.governance import selectors
from conduct.apps.governance.models import Case, Committee

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


def case_for(actor: User, case_id: int) -> Case:
    """The case a path names, read before a service acts on it: 403 for a role that may not read cases at all,
    404 for a case the actor cannot see. What the actor may do with it is the service's one check."""
    require(actor, "cases.view")
    return selectors.case_get(actor=actor, case_id=case_id)


def committee_for(actor: User, committee_id: int) -> Committee:
    """The committee a path names, read before a service changes it (403 for a role that may not read one)."""
    require(actor, "committees.view")
    return selectors.committee_get(actor=actor, committee_id=committee_id)
