"""The one "suppliers changed" pipeline every entry point goes through (API, page, CLI, import, demo).

`suppliers_changed` emits `conduct.events.suppliers.SuppliersChanged` inside the caller's transaction
(screening's handler registers each supplier as a party and screens it) and then rescores those suppliers and
their buyers, once, after every handler has run, so screening's results count. An import's suppliers follow it
after the import commits (`import_followup`): in batches of IMPORT_BATCH, each in its own transaction, and
then one full risk recompute; the API and the page queue it as one task, the CLI runs it at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from conduct.apps.accounts.actors import Actor
from conduct.apps.suppliers.models import Supplier
from conduct.apps.suppliers.services.risk import RecomputeSummary, risk_recompute_all, risk_refresh
from conduct.events import emit, handlers
from conduct.events.suppliers import SuppliersChanged

IMPORT_BATCH = 500


def suppliers_changed(
    *,
    actor: Actor,
    suppliers: Iterable[Supplier],
    reason: str,
    screen: bool = True,
    recompute_risk: bool = True,
) -> None:
    """Tell every listener the suppliers changed, then rescore them (and their buyers) once. Joins the
    caller's transaction: a handler's failure undoes the change."""
    changed = tuple(suppliers)
    if not changed:
        return
    emit(
        SuppliersChanged(
            actor=actor, suppliers=changed, reason=reason, screen=screen, recompute_risk=recompute_risk
        )
    )
    if recompute_risk:
        risk_refresh([s.pk for s in changed])


def import_followup(
    *, actor: Actor, supplier_ids: Sequence[int], recompute: bool = True
) -> RecomputeSummary | None:
    """What a committed import sets going: the suppliers it created or changed go through the pipeline
    (without a risk refresh each), in batches of IMPORT_BATCH per transaction, then every supplier is
    rescored once."""
    if handlers(SuppliersChanged):
        for start in range(0, len(supplier_ids), IMPORT_BATCH):
            ids = list(supplier_ids[start : start + IMPORT_BATCH])
            with transaction.atomic():
                batch = Supplier.objects.filter(pk__in=ids).select_related("org_unit").order_by("pk")
                suppliers_changed(actor=actor, suppliers=batch, reason="import", recompute_risk=False)
    return risk_recompute_all(actor=actor) if recompute else None
