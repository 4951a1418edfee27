"""Workforce services: the only writers of own sites, working time, incidents and hours worked. Each takes
`actor` first, checks it with accounts.scoping.authorize and ledgers its change in its transaction."""

from conduct.apps.workforce.services._common import WorkforceAction
from conduct.apps.workforce.services.assignments import assignment_create, completion_record
from conduct.apps.workforce.services.audits import site_audit_record
from conduct.apps.workforce.services.hours import (
    COLUMNS,
    HoursReport,
    hours_import,
    hours_parse,
    hours_report,
)
from conduct.apps.workforce.services.policies import (
    attestation_acknowledge,
    campaign_create,
    campaign_remind,
    policy_create,
    policy_version_approve,
    policy_version_create,
    policy_version_submit,
)
from conduct.apps.workforce.services.reminders import ReminderRun, reminders_send
from conduct.apps.workforce.services.safety import hours_worked_record, incident_record
from conduct.apps.workforce.services.site_actions import (
    site_action_create,
    site_action_evidence,
    site_action_review,
    site_action_submit,
    site_action_update,
)
from conduct.apps.workforce.services.sites import site_create, site_update
from conduct.apps.workforce.services.training import course_create, training_import

__all__ = [
    "ReminderRun",
    "assignment_create",
    "completion_record",
    "reminders_send",
    "site_action_create",
    "site_action_evidence",
    "site_action_review",
    "site_action_submit",
    "site_action_update",
    "attestation_acknowledge",
    "campaign_create",
    "campaign_remind",
    "course_create",
    "policy_create",
    "policy_version_approve",
    "policy_version_create",
    "policy_version_submit",
    "training_import",
    "COLUMNS",
    "HoursReport",
    "WorkforceAction",
    "hours_import",
    "hours_parse",
    "hours_report",
    "hours_worked_record",
    "incident_record",
    "site_audit_record",
    "site_create",
    "site_update",
]
