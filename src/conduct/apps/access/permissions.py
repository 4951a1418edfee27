"""Who may do what with device access. Registered into the one role matrix (accounts.roles) at start-up.

Support engineers request access and see their own requests; a customer's approvers (portal) answer requests
for their own organisation's devices and revoke its grants; nobody at the company approves (no break-glass).
Administrators and compliance officers register devices, import access events and may revoke any grant;
auditors read everything; customer portal users read their organisation's access record.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import Role, roles

STAFF = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)
APPROVER = roles(Role.CUSTOMER_APPROVER)
CUSTOMERS = roles(Role.CUSTOMER, Role.CUSTOMER_APPROVER)

PERMISSIONS: dict[str, frozenset[str]] = {
    # devices, requests, grants and events (support engineers: their own requests only; customers: their own)
    "access.view": STAFF | roles(Role.AUDITOR, Role.SUPPORT_ENGINEER) | CUSTOMERS,
    "devices.manage": STAFF,  # register or import devices, issue a device's token
    "access.request": roles(Role.SUPPORT_ENGINEER),
    "access.approve": APPROVER,  # approve or deny (the device's own customer only: checked by the service)
    "access.revoke": STAFF | APPROVER,
    "access.events": STAFF,  # import access events (devices report with their own token)
}
