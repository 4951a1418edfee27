"""Background work for suppliers: the daily risk recompute, certificate expiry reminders, and what follows an
import (its suppliers through the "suppliers changed" pipeline, then one full risk recompute)."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.suppliers.services.pipeline import import_followup
from conduct.apps.suppliers.services.reminders import certificate_reminders_send
from conduct.apps.suppliers.services.risk import risk_recompute_all


@task()
def risk_recompute() -> int:
    """Rescore every supplier (on request)."""
    return risk_recompute_all(actor=SCHEDULER).suppliers


@task()
def daily_risk_recompute() -> int:
    return risk_recompute_all(actor=SCHEDULER).suppliers


@task()
def daily_certificate_reminders() -> int:
    return certificate_reminders_send().certificates


@task()
def import_followed(supplier_ids: list[int]) -> int:
    """After an import commits: its suppliers through the pipeline (screening registers them), then every
    supplier's risk recomputed once. Returns how many suppliers were rescored."""
    summary = import_followup(actor=SCHEDULER, supplier_ids=supplier_ids)
    return summary.suppliers if summary else 0
