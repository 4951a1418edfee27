"""Background grievance jobs (scheduled daily by `conduct worker`; `conduct grievances escalate` runs it by
hand)."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.grievances.services import grievances_escalate_overdue, sessions_purge


@task()
def escalate_overdue_grievances() -> int:
    """Escalate reports past their acknowledgement or feedback deadline to the grievance officers (each
    deadline once), and drop expired reporter sessions and spent challenges."""
    made = grievances_escalate_overdue(actor=SCHEDULER)
    sessions_purge()
    return len(made)
