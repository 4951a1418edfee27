"""Engagement services: the only writers of counterparts, correspondence, answers and commitments.

Each takes `actor` first, checks it with accounts.scoping.authorize and ledgers its change in its transaction.
"""

from conduct.apps.engagement.services.answers import REVIEW_ACTIONS, answer_draft, answer_review, legal_unit
from conduct.apps.engagement.services.commitments import (
    commitment_add_evidence,
    commitment_create,
    commitment_set_status,
    commitment_update,
    commitments_escalate_overdue,
)
from conduct.apps.engagement.services.correspondence import (
    correspondence_create,
    document_add,
    letter_acknowledge,
    question_add,
)
from conduct.apps.engagement.services.counterparts import counterpart_create, counterpart_update

__all__ = [
    "REVIEW_ACTIONS",
    "answer_draft",
    "answer_review",
    "commitment_add_evidence",
    "commitment_create",
    "commitment_set_status",
    "commitment_update",
    "commitments_escalate_overdue",
    "correspondence_create",
    "counterpart_create",
    "counterpart_update",
    "document_add",
    "legal_unit",
    "letter_acknowledge",
    "question_add",
]
