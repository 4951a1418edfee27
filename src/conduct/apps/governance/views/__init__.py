"""Governance pages: committees, cases (vote, decide, discuss, documents, conflicts), recommendations and the
liaison network. Every view starts with the permission check; writes go through the services."""

from conduct.apps.governance.views.cases import (
    case_comment_view,
    case_conflict_view,
    case_create_view,
    case_decide_view,
    case_detail_view,
    case_document_download,
    case_document_view,
    case_edit_view,
    case_list_view,
    case_status_view,
    case_vote_view,
)
from conduct.apps.governance.views.committees import (
    committee_create_view,
    committee_detail_view,
    committee_member_view,
    committee_rule_view,
    committees_view,
)
from conduct.apps.governance.views.recommendations import (
    liaison_network_view,
    recommendation_create_view,
    recommendation_detail_view,
    recommendation_escalate_view,
    recommendation_list_view,
    recommendation_update_view,
)

__all__ = [
    "case_comment_view",
    "case_conflict_view",
    "case_create_view",
    "case_decide_view",
    "case_detail_view",
    "case_document_download",
    "case_document_view",
    "case_edit_view",
    "case_list_view",
    "case_status_view",
    "case_vote_view",
    "committee_create_view",
    "committee_detail_view",
    "committee_member_view",
    "committee_rule_view",
    "committees_view",
    "liaison_network_view",
    "recommendation_create_view",
    "recommendation_detail_view",
    "recommendation_escalate_view",
    "recommendation_list_view",
    "recommendation_update_view",
]
