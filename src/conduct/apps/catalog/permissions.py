"""Who may browse the framework library, keep the company's controls and run assessments.

Registered into the one role matrix (accounts.roles) at start-up.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, roles

PROGRAMME = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)

PERMISSIONS: dict[str, frozenset[str]] = {
    "frameworks.view": INTERNAL_ROLES,
    "frameworks.load": PROGRAMME,  # record a (validated) library version
    "controls.view": INTERNAL_ROLES,
    "controls.manage": PROGRAMME,
    "assessments.view": INTERNAL_ROLES,  # scoped by the assessment's org unit
    # Liaisons assess their own units (and suppliers owned there); the programme assesses anything.
    "assessments.manage": PROGRAMME | roles(Role.LIAISON),
}
