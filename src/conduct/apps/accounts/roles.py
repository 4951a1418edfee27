"""Roles and what each may do. Deny by default: a permission not listed for a role is refused."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"
    LIAISON = "liaison", "Compliance liaison"
    COMMITTEE_MEMBER = "committee_member", "Committee member"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor (read-only)"
    SUPPLIER = "supplier", "Supplier (portal)"
    CUSTOMER = "customer", "Customer (portal)"
    # Device access (issue 16): vendor support asks; the customer's own approvers answer.
    SUPPORT_ENGINEER = "support_engineer", gettext_lazy("Support engineer")
    CUSTOMER_APPROVER = "customer_approver", gettext_lazy("Customer approver (portal)")
    # Grievances (issue 17): the only role that reads reports; it works in the grievances module alone.
    GRIEVANCE_OFFICER = "grievance_officer", gettext_lazy("Grievance officer")
    # Product register (issue 15): SBOMs, vulnerability data and VEX analyses.
    PRODUCT_SECURITY = "product_security", gettext_lazy("Product security engineer")


def roles(*members: object) -> frozenset[str]:
    """The names of some roles (Role members or their values), checked: a typo fails at start-up.

    Typed as plain names so that permission tables type-check without Django's stubs (to mypy a Role member
    is the (value, label) pair it is written as)."""
    names = frozenset(str(member) for member in members)
    unknown = names - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    return names


INTERNAL_ROLES = roles(
    Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LIAISON, Role.COMMITTEE_MEMBER, Role.ANALYST, Role.AUDITOR
)
PORTAL_ROLES = roles(Role.SUPPLIER, Role.CUSTOMER, Role.CUSTOMER_APPROVER)
# The kind of portal organisation each portal role belongs to.
PORTAL_ORG_KIND: dict[str, str] = {
    str(Role.SUPPLIER): "supplier",
    str(Role.CUSTOMER): "customer",
    str(Role.CUSTOMER_APPROVER): "customer",
}
# Roles that see every org unit regardless of their scope assignments.
GLOBAL_READ_ROLES = roles(Role.ADMIN, Role.AUDITOR)

# permission -> roles holding it. Permissions are "<area>.<verb>".
_MATRIX: dict[str, frozenset[str]] = {
    "dashboard.view": INTERNAL_ROLES,
    "orgunits.view": INTERNAL_ROLES,
    "orgunits.change": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),
    "users.view": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR),
    "users.manage": roles(Role.ADMIN),
    "liaisons.view": INTERNAL_ROLES,
    "liaisons.change": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),
    "tokens.own": frozenset(Role.values),
    "tokens.service": roles(Role.ADMIN),
    # Signed-in sessions: everyone sees and ends their own; administrators end anyone's.
    "sessions.own": frozenset(Role.values),
    "sessions.manage": roles(Role.ADMIN),
    # Second factors: everyone enrols their own; administrators reset a user's (a lost phone or key).
    "mfa.own": frozenset(Role.values),
    "mfa.manage": roles(Role.ADMIN),
    "ledger.view": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR),
    "ledger.verify": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR),
    "ledger.checkpoint": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),
    "portal.view": PORTAL_ROLES,
    "committees.view": INTERNAL_ROLES,
    "committees.manage": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),
    "cases.view": INTERNAL_ROLES,
    "gates.view": INTERNAL_ROLES,
    "gates.decide": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LIAISON, Role.ANALYST),
    "gates.recheck": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),  # re-check earlier decisions (CLI, worker)
    "policy.view": INTERNAL_ROLES,
}
PERMISSIONS = frozenset(_MATRIX)


def role_has(role: str, permission: str) -> bool:
    """True when `role` holds `permission`; unknown permissions are refused."""
    holders = _MATRIX.get(permission)
    return holders is not None and role in holders


def register_permissions(extra: dict[str, frozenset[str]]) -> None:
    """Let later apps add their permissions to the one matrix (called from AppConfig.ready)."""
    for name, roles in extra.items():
        if name in _MATRIX and _MATRIX[name] != roles:
            raise ValueError(f"permission {name} registered twice with different roles")
        _MATRIX[name] = frozenset(roles)
    global PERMISSIONS
    PERMISSIONS = frozenset(_MATRIX)


def matrix() -> dict[str, frozenset[str]]:
    return dict(_MATRIX)
