"""The ledger actions governance writes: one name for each, used by the services and read by reports."""

from __future__ import annotations

from enum import StrEnum


class GovernanceAction(StrEnum):
    CASE_OPEN = "case.open"
    CASE_UPDATE = "case.update"
    CASE_STATUS = "case.status"
    CASE_REOPEN = "case.reopen"
    CASE_COMMENT = "case.comment"
    CASE_DOCUMENT = "case.document"
    CASE_CONFLICT = "case.conflict"
    CASE_VOTE = "case.vote"
    CASE_DECIDE = "case.decide"
    CASE_REMIND = "case.remind"
    COMMITTEE_CREATE = "committee.create"
    COMMITTEE_UPDATE = "committee.update"
    COMMITTEE_MEMBER_ADD = "committee.member_add"
    COMMITTEE_MEMBER_UPDATE = "committee.member_update"
    RECOMMENDATION_CREATE = "recommendation.create"
    RECOMMENDATION_UPDATE = "recommendation.update"
    RECOMMENDATION_ESCALATE = "recommendation.escalate"
    RECOMMENDATION_REMIND = "recommendation.remind"
