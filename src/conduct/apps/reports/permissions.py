"""Who may read and keep the human-rights risk register, and read and publish transparency reports."""

from __future__ import annotations

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, roles

PROGRAMME = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)

PERMISSIONS: dict[str, frozenset[str]] = {
    "risks.view": INTERNAL_ROLES,
    "risks.manage": PROGRAMME,
    # Tie a case, gate decision or audit finding to a risk it concerns (within the actor's units).
    "risks.link": PROGRAMME | roles(Role.LIAISON, Role.ANALYST),
    "reports.view": INTERNAL_ROLES,
    # The report speaks for the whole company, so only the programme publishes it.
    "reports.build": PROGRAMME,
}
