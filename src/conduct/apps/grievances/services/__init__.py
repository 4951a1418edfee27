"""Grievance services: the only writers of grievances, their threads, files, exclusions and sessions.

The reporter's side (intake) needs no account and is ledgered as `reporter`; the officers' side checks
`grievances.view` / `grievances.handle` with accounts.scoping.authorize and ledgers every change and every
read of a report's text.
"""

from conduct.apps.grievances.services._common import LANGUAGES, Throttled
from conduct.apps.grievances.services.deadlines import grievances_escalate_overdue
from conduct.apps.grievances.services.handling import (
    TRANSITIONS,
    GrievanceView,
    attachment_read,
    grievance_escalate,
    grievance_exclude,
    grievance_for,
    grievance_link,
    grievance_message,
    grievance_read,
    grievance_remedy,
    grievance_transition,
)
from conduct.apps.grievances.services.intake import (
    Report,
    grievance_submit,
    reporter_grievance,
    reporter_message,
    reporter_satisfaction,
    reporter_session_open,
    sessions_purge,
)
from conduct.apps.grievances.services.keys import grievance_keys_rotate

__all__ = [
    "LANGUAGES",
    "TRANSITIONS",
    "GrievanceView",
    "Report",
    "Throttled",
    "attachment_read",
    "grievance_escalate",
    "grievance_exclude",
    "grievance_for",
    "grievance_keys_rotate",
    "grievance_link",
    "grievance_message",
    "grievance_read",
    "grievance_remedy",
    "grievance_submit",
    "grievance_transition",
    "grievances_escalate_overdue",
    "reporter_grievance",
    "reporter_message",
    "reporter_satisfaction",
    "reporter_session_open",
    "sessions_purge",
]
