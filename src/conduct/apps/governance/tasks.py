"""Daily governance jobs (scheduled by `conduct worker`): escalate overdue items, remind of deadlines."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.governance.services import deadline_reminders_send, recommendation_escalate_overdue


@task()
def escalate_overdue_recommendations() -> int:
    """Escalate overdue recommendations to the compliance officers; a second run escalates nothing twice."""
    return len(recommendation_escalate_overdue(actor=SCHEDULER))


@task()
def send_deadline_reminders() -> int:
    """Remind assignees and voters a few days before items and cases fall due (once each)."""
    return deadline_reminders_send(actor=SCHEDULER)
