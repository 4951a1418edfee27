"""Background work for the workforce module: the scheduled attestation and training reminders (the worker
enqueues it every hour; it is idempotent, so a step is sent once whatever the cadence of the runs)."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.workforce.services.reminders import reminders_send


@task()
def send_reminders() -> dict[str, int]:
    return reminders_send(actor=SCHEDULER).as_json()
