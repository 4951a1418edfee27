"""Who may do what with suppliers. Registered into the one role matrix (accounts.roles) at start-up.

Internal roles read within their org-unit scope; a supplier's portal users hold only the `*.portal`,
`*.answer` and `*.work` permissions and see nothing but their own organisation's records.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, roles

MANAGERS = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LIAISON)
PROGRAMME = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)
SUPPLIER = roles(Role.SUPPLIER)

PERMISSIONS: dict[str, frozenset[str]] = {
    "suppliers.view": INTERNAL_ROLES,  # the internal pages and every internal field (risk, screening)
    "suppliers.portal": SUPPLIER,  # a supplier's own records, through the portal or the API
    "suppliers.change": MANAGERS,
    "suppliers.onboard": MANAGERS,
    "suppliers.import": PROGRAMME,
    "suppliers.risk": PROGRAMME,  # start a full risk recompute
    "certificates.upload": MANAGERS | SUPPLIER,
    "audits.record": MANAGERS,
    "actions.work": MANAGERS | SUPPLIER,  # root cause, action, evidence, start work
    "actions.verify": MANAGERS,  # verify and close
    "questionnaires.send": MANAGERS,
    "questionnaires.answer": SUPPLIER,
    "questionnaires.review": MANAGERS,
}


def read_permission(actor: object) -> str:
    """The permission a read is checked against: portal users read through `suppliers.portal`."""
    return "suppliers.portal" if getattr(actor, "is_portal", False) else "suppliers.view"
