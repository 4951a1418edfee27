"""Who may do what with correspondence and commitments. Registered into the one role matrix (accounts.roles).

Staff and liaisons read and write the letters and commitments of their units; auditors read everything. The
legal department's review of an answer is `engagement.legal_review`: held by liaisons, and only a user whose
units include the legal department (settings ENGAGEMENT_LEGAL_UNIT, docs/engagement.md) may use it. The
officer's approval and the sending are `engagement.approve`.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import Role, roles

STAFF = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)
WRITERS = STAFF | roles(Role.LIAISON)

PERMISSIONS: dict[str, frozenset[str]] = {
    "engagement.view": WRITERS | roles(Role.AUDITOR),  # counterparts, correspondence, commitments (by unit)
    "engagement.write": WRITERS,  # counterparts, letters, documents, questions, drafts, commitments
    "engagement.legal_review": roles(Role.LIAISON),  # the legal department's liaisons (unit-checked)
    "engagement.approve": STAFF,  # the officer approves an answer and marks it sent
    "engagement.escalate": STAFF,  # run the overdue-commitment escalation by hand (the worker runs it daily)
}
