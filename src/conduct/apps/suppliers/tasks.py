"""Background work for suppliers: the daily risk recompute and certificate expiry reminders."""

from __future__ import annotations

from django_tasks import task


@task()
def risk_recompute() -> int:
    """Rescore every supplier (after an import, on request, and daily)."""
    from conduct.apps.suppliers.services.risk import risk_recompute_all

    return risk_recompute_all(actor="system").suppliers


@task()
def daily_risk_recompute() -> int:
    from conduct.apps.suppliers.services.risk import risk_recompute_all

    return risk_recompute_all(actor="system").suppliers


@task()
def daily_certificate_reminders() -> int:
    from conduct.apps.suppliers.services.reminders import certificate_reminders_send

    return certificate_reminders_send().certificates


@task()
def screen_suppliers(supplier_ids: list[int]) -> int:
    """Register imported suppliers with the screening module (which screens each), then rescore them. Queued
    after an import commits; does nothing while no screening module is installed."""
    from conduct.apps.suppliers import screening_port
    from conduct.apps.suppliers.models import Supplier
    from conduct.apps.suppliers.services.risk import risk_recompute_all, risk_refresh

    if not screening_port.available():
        return 0
    screened = 0
    for start in range(0, len(supplier_ids), 500):
        for supplier in Supplier.objects.filter(pk__in=supplier_ids[start : start + 500]).select_related(
            "org_unit"
        ):
            screened += screening_port.register(supplier)
    if len(supplier_ids) > 1000:
        risk_recompute_all(actor="system")
    else:
        risk_refresh(supplier_ids)
    return screened


def after_import(report: object) -> None:
    """What a committed import sets going once its transaction commits: screening of the suppliers it created or
    changed, and a full risk recompute."""
    from django.db import transaction

    changed = list(getattr(report, "changed_suppliers", []))
    if changed:
        transaction.on_commit(lambda: screen_suppliers.enqueue(changed))
    transaction.on_commit(risk_recompute.enqueue)
