"""Who may do what with the company's own operations. Registered into the one role matrix (accounts.roles).

Staff (admins, compliance officers) manage sites; liaisons import working time and record incidents and
hours worked for the sites of their units; auditors read everything. Portal users see nothing here.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import INTERNAL_ROLES, Role, roles

STAFF = roles(Role.ADMIN, Role.COMPLIANCE_OFFICER)
LIAISONS = STAFF | roles(Role.LIAISON)
# Everyone who works for the company, including the single-module roles: all read and attest to policies.
COMPANY_STAFF = INTERNAL_ROLES | roles(Role.SUPPORT_ENGINEER, Role.GRIEVANCE_OFFICER, Role.PRODUCT_SECURITY)

PERMISSIONS: dict[str, frozenset[str]] = {
    "workforce.view": LIAISONS
    | roles(Role.AUDITOR),  # sites, working time, incidents, rates (scoped by unit)
    "workforce.sites": STAFF,  # create and change own sites
    "workforce.hours": LIAISONS,  # import working time (every site of the file must be in the actor's units)
    "workforce.safety": LIAISONS,  # record incidents and hours worked
}

PERMISSIONS.update(
    {
        # policies: every internal user reads them and acknowledges what is assigned to them; staff write,
        # review, approve and run the campaigns; liaisons see their units' gaps (workforce.view)
        "policies.view": COMPANY_STAFF,
        "policies.manage": STAFF,
        "policies.attest": COMPANY_STAFF - roles(Role.AUDITOR),  # auditors write nothing
        "training.manage": STAFF,  # courses, assignments and imported completions
        "training.record": LIAISONS,  # enter a completion (liaisons: for people at home in their units)
        # verify or reject an own site's corrective action (the site's liaison submits; staff decide)
        "workforce.verify": STAFF,
    }
)
