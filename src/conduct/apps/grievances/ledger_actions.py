"""Ledger action names of the grievances module. Entries name the grievance and what changed, never its
texts."""

from enum import StrEnum


class GrievanceAction(StrEnum):
    SUBMIT = "grievance.submit"
    READ = "grievance.read"
    ATTACHMENT_READ = "grievance.attachment_read"
    TRANSITION = "grievance.transition"
    MESSAGE = "grievance.message"
    REPORTER_MESSAGE = "grievance.reporter_message"
    REPORTER_SESSION = "grievance.reporter_session"
    SATISFACTION = "grievance.satisfaction"
    RETALIATION = "grievance.retaliation"
    REMEDY = "grievance.remedy"
    LINK = "grievance.link"
    ESCALATE = "grievance.escalate"
    EXCLUDE = "grievance.exclude"
    OVERDUE = "grievance.overdue"
    KEY_ROTATE = "grievance.key_rotate"
