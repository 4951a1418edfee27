"""Shared pieces of the governance API: the enumerations in its schemas and reference look-ups."""

from typing import Any, Literal

from conduct.apps.accounts.models import User
from conduct.apps.accounts.selectors import unit_ref as accounts_unit_ref
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


def unit_ref(actor: User, code: str | None, field: str, permission: str) -> Any:
    """The org unit a body or query names (None when none), or a 422 naming the field; 403 first for a role
    without `permission`."""
    return accounts_unit_ref(actor=actor, ref=code, field=field, permission=permission)


def case_for(actor: User, case_id: int) -> Case:
    return selectors.case_for(actor=actor, case_id=case_id)


def committee_for(actor: User, committee_id: int) -> Committee:
    return selectors.committee_for(actor=actor, committee_id=committee_id)
