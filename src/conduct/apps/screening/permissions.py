"""Who may do what with screening. Registered into the one role matrix (accounts.roles) at start-up.

Every internal role reads lists, parties and alerts (within its org-unit scope); analysts, compliance
officers and administrators review alerts; auditors read only. Compliance officers and administrators load
list versions (the lists page, the API); the CLI acts as the operator and needs no permission.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, roles

REVIEWERS = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.ANALYST)
SEARCHERS = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LIAISON, Role.COMMITTEE_MEMBER, Role.ANALYST)
PARTY_WRITERS = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LIAISON, Role.ANALYST)

PERMISSIONS: dict[str, frozenset[str]] = {
    "screening.view": INTERNAL_ROLES,  # lists, versions, stored parties, alerts and their history
    "screening.search": SEARCHERS,  # ad-hoc searches of the loaded lists (API, page)
    "screening.review": REVIEWERS,  # confirm, dismiss or escalate an alert
    "screening.parties": PARTY_WRITERS,  # register or update a party to be screened (API)
    "lists.load": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),  # upload a list version (page, API)
}
