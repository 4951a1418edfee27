"""Who may do what with grievances. Registered into the one role matrix (accounts.roles) at start-up.

Only grievance officers read and handle reports: not administrators, not auditors, not compliance officers
(the transparency report gets counts only, through the report's own permission). Reporters use no account.
"""

from __future__ import annotations

from conduct.apps.accounts.roles import Role, roles

OFFICERS = roles(Role.GRIEVANCE_OFFICER)

PERMISSIONS: dict[str, frozenset[str]] = {
    "grievances.view": OFFICERS,  # read reports (decrypted; every read ledgered), their threads and files
    "grievances.handle": OFFICERS,  # acknowledge, investigate, message, remedy, link, escalate, exclude
}
