"""Background work for engagement: the daily escalation of overdue commitments (the worker enqueues it every
day; it is idempotent, so a slip is escalated once whatever the cadence of the runs)."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.engagement.services import commitments_escalate_overdue


@task()
def escalate_overdue_commitments() -> int:
    return len(commitments_escalate_overdue(actor=SCHEDULER))
