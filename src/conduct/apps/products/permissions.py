"""Who may do what with the product register. Registered into the one role matrix (accounts.roles).

Product-security engineers keep the register, import SBOMs, load vulnerability data and record VEX analyses;
administrators and compliance officers may too (VEX stays with product security and administrators: it is
an engineering judgement). Every internal role reads the products of its units; auditors read everything.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, roles

KEEPERS = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.PRODUCT_SECURITY)

PERMISSIONS: dict[str, frozenset[str]] = {
    "products.view": INTERNAL_ROLES | roles(Role.PRODUCT_SECURITY),
    "products.manage": KEEPERS,  # products, releases, SBOM imports
    "vulns.load": KEEPERS,
    "vex.record": roles(Role.ADMIN, Role.PRODUCT_SECURITY),
    # Advisories: product security drafts; another keeper publishes (four eyes, checked by the service).
    "advisories.view": INTERNAL_ROLES | roles(Role.PRODUCT_SECURITY),
    "advisories.draft": roles(Role.ADMIN, Role.PRODUCT_SECURITY),
    "advisories.publish": KEEPERS,
    # Customers see the advisories and support periods of the products their organisation bought.
    "advisories.portal": roles(Role.CUSTOMER, Role.CUSTOMER_APPROVER),
    # The per-release ETSI EN 303 645 assessment and its evidence files.
    "releases.assess": roles(Role.ADMIN, Role.PRODUCT_SECURITY),
}

# Coordinated vulnerability disclosure: product security triages the reports that come in, with administrators
# and compliance officers; auditors read them.
VULN_REPORT_TRIAGERS = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.PRODUCT_SECURITY)
PERMISSIONS["vulnreports.view"] = VULN_REPORT_TRIAGERS | roles(Role.AUDITOR)
PERMISSIONS["vulnreports.triage"] = VULN_REPORT_TRIAGERS
