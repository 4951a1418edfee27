"""Governance writes. Every service takes keyword-only arguments, checks permissions, runs in one transaction
and appends to the audit ledger. Import from here; the modules behind are private."""

from conduct.apps.governance.routing import route
from conduct.apps.governance.services.audience import (
    CaseAudience,
    CaseSpec,
    case_audience,
    committee_for_queue,
)
from conduct.apps.governance.services.cases import (
    case_create,
    case_open,
    case_open_many,
    case_reopen_flagged,
    case_transition,
    case_update,
)
from conduct.apps.governance.services.committees import (
    committee_create,
    committee_member_add,
    committee_member_update,
    committee_update,
)
from conduct.apps.governance.services.decisions import (
    Voted,
    case_decide,
    case_vote,
    committee_rule,
    current_tally,
    decision_rule,
)
from conduct.apps.governance.services.discussion import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    case_comment_add,
    case_document_add,
    conflict_declare,
)
from conduct.apps.governance.services.recommendations import (
    deadline_reminders_send,
    recommendation_create,
    recommendation_escalate_overdue,
    recommendation_update,
)

__all__ = [
    "DOCUMENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "CaseAudience",
    "CaseSpec",
    "Voted",
    "case_audience",
    "case_comment_add",
    "case_create",
    "case_decide",
    "case_document_add",
    "case_open",
    "case_open_many",
    "case_reopen_flagged",
    "case_transition",
    "case_update",
    "case_vote",
    "committee_create",
    "committee_for_queue",
    "committee_member_add",
    "committee_member_update",
    "committee_rule",
    "committee_update",
    "conflict_declare",
    "current_tally",
    "deadline_reminders_send",
    "decision_rule",
    "recommendation_create",
    "recommendation_escalate_overdue",
    "recommendation_update",
    "route",
]
