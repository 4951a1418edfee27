"""Work a page or endpoint asks for and a background worker does: the full risk recompute on request."""

from __future__ import annotations

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.suppliers import tasks


def risk_recompute_queue(*, actor: Actor) -> str:
    """Queue a rescore of every supplier (suppliers.risk) and return the task's id. The recompute ledgers
    itself when it runs, as the scheduler."""
    authorize(actor, "suppliers.risk")
    return str(tasks.risk_recompute.enqueue().id)
