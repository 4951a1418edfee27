"""Background work for the ledger: the daily signed checkpoint, and the hourly one for an idle ledger (the
append path signs the others)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.audit.models import Checkpoint
from conduct.apps.audit.services import checkpoint_create, checkpoint_if_due


@task()
def daily_checkpoint() -> int | None:
    """Sign the head once a day; a second run on the same day does nothing."""
    today = timezone.now().date()
    if Checkpoint.objects.filter(reason="daily", at__date=today).exists():
        return None
    seq: int = checkpoint_create(actor=SCHEDULER, reason="daily").seq
    return seq


@task()
def hourly_checkpoint() -> int | None:
    """Sign the head when entries are unsigned and the latest checkpoint is LEDGER_CHECKPOINT_HOURS old. The
    worker's scheduler enqueues it every few minutes (web worker PERIODIC_JOBS); usually it does nothing."""
    checkpoint = checkpoint_if_due()
    return checkpoint.seq if checkpoint is not None else None
