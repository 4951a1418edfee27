"""What the dashboard, the module landing pages and the portal home read: each refuses a role without the
page's permission (403), so the views hold no permission call."""

from __future__ import annotations

from typing import Any

from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.suppliers import selectors as suppliers
from conduct.apps.web import dashboard as work


def dashboard(*, actor: User) -> dict[str, Any]:
    require(actor, "dashboard.view")
    coverage = accounts.coverage(actor=actor)
    summary = suppliers.dashboard_summary(actor=actor)  # read once: the card, the work list and a chart
    return {
        "coverage": coverage,
        "user_count": accounts.user_list(actor=actor).filter(is_active=True).count(),
        "uncovered": accounts.units_without_liaison(actor=actor)[:10],
        "coverage_pct": round(100 * coverage["covered"] / coverage["units"]) if coverage["units"] else 0,
        "supplier_summary": summary,
        "work": work.my_work(actor=actor, supplier_summary=summary),
        "charts": work.charts(actor=actor, supplier_summary=summary),
    }


def portal(*, actor: User) -> dict[str, Any]:
    require(actor, "portal.view")
    return {"org": actor.portal_org, "supplier_portal": suppliers.portal_summary(actor=actor)}
