"""Roles and what each may do. Deny by default: a permission not listed for a role is refused."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", gettext_lazy("Administrator")
    COMPLIANCE_OFFICER = "compliance_officer", gettext_lazy("Compliance officer")
    LIAISON = "liaison", gettext_lazy("Compliance liaison")
    COMMITTEE_MEMBER = "committee_member", gettext_lazy("Committee member")
    ANALYST = "analyst", gettext_lazy("Analyst")
    AUDITOR = "auditor", gettext_lazy("Auditor (read-only)")
    SUPPLIER = "supplier", gettext_lazy("Supplier (portal)")
    CUSTOMER = "customer", gettext_lazy("Customer (portal)")
    # Device access (issue 16): vendor support asks; the customer's own approvers answer.
    SUPPORT_ENGINEER = "support_engineer", gettext_lazy("Support engineer")
    CUSTOMER_APPROVER = "customer_approver", gettext_lazy("Customer approver (portal)")
    # Grievances (issue 17): the only role that reads reports; it works in the grievances module alone.
    GRIEVANCE_OFFICER = "grievance_officer", gettext_lazy("Grievance officer")
    # Product register (issue 15): SBOMs, vulnerability data and VEX analyses.
    PRODUCT_SECURITY = "product_security", gettext_lazy("Product security engineer")
    # Investigator access (issue 18): an auditor's reads, for a limited time, in the units and modules
    # granted.
    INVESTIGATOR = "investigator", gettext_lazy("Investigator (read-only, time-limited)")


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
    # Investigator access (issue 18): administrators grant and revoke; officers see who holds access and what
    # each investigator read; everyone sees their own access log (only investigators' requests are logged,
    # so it is empty for everyone else).
    "investigators.manage": roles(Role.ADMIN),
    "investigators.view": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER),
    "investigators.own_log": frozenset(Role.values),
    # The signed evidence bundle: officers (everything) and investigators (their units and modules).
    "evidence.export": roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.INVESTIGATOR),
}
PERMISSIONS = frozenset(_MATRIX)


# Investigator modules (issue 18): the module keys an investigator may be granted, each naming the permission
# areas it opens. An investigator holds the auditor's read permissions in the granted modules only (none
# granted: every module), plus what every investigator holds (BASE_AREAS). The one list; the CLI, the admin
# page and the services validate against it.
INVESTIGATOR_MODULES: dict[str, frozenset[str]] = {
    "cases": frozenset({"cases", "committees", "recommendations"}),
    "gates": frozenset({"gates", "policy"}),
    "screening": frozenset({"screening"}),
    "suppliers": frozenset({"suppliers"}),
    "products": frozenset({"products", "advisories", "vulnreports"}),
    "access": frozenset({"access"}),
    "workforce": frozenset({"workforce", "policies"}),
    "reports": frozenset({"reports", "risks"}),
    "catalog": frozenset({"frameworks", "controls", "assessments"}),
    "ledger": frozenset({"ledger"}),
    "org": frozenset({"users", "liaisons"}),
}
INVESTIGATOR_BASE_AREAS = frozenset(
    {"dashboard", "orgunits", "notifications", "tokens", "investigators", "evidence"}
)
# Permissions investigators hold beyond the auditor's (their own access log; evidence in their scope).
INVESTIGATOR_OWN = frozenset({"investigators.own_log", "evidence.export"})


def investigator_may(modules: list[str] | tuple[str, ...], permission: str) -> bool:
    """Whether an investigator granted `modules` (empty: all) may use `permission`, by its area alone (the
    role's own matrix is checked by role_has)."""
    area = permission.split(".", 1)[0]
    if area in INVESTIGATOR_BASE_AREAS or not modules:
        return True
    return any(area in INVESTIGATOR_MODULES.get(key, frozenset()) for key in modules)


def role_has(role: str, permission: str) -> bool:
    """True when `role` holds `permission`; unknown permissions are refused. An investigator holds what the
    auditor holds (read-only) and its own few."""
    holders = _MATRIX.get(permission)
    if holders is None:
        return False
    if role == "investigator" and permission not in INVESTIGATOR_OWN:
        return "auditor" in holders
    return role in holders


def register_permissions(extra: dict[str, frozenset[str]]) -> None:
    """Let later apps add their permissions to the one matrix (called from AppConfig.ready)."""
    for name, roles in extra.items():
        if name in _MATRIX and _MATRIX[name] != roles:
            raise ValueError(f"permission {name} registered twice with different roles")
        _MATRIX[name] = frozenset(roles)
    global PERMISSIONS
    PERMISSIONS = frozenset(_MATRIX)


def matrix() -> dict[str, frozenset[str]]:
    """Every permission and the roles holding it (the investigator where the auditor is: see role_has)."""
    return {
        name: holders | {"investigator"} if "auditor" in holders else holders
        for name, holders in _MATRIX.items()
    }
