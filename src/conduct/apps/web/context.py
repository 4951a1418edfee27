"""Navigation for the base layout: one entry per module, grouped, shown only to roles that may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.scoping import can

# (group, label, url name, permission): grouped by the programme's dimensions and by function.
MODULES: list[tuple[Promise, Promise, str, str]] = [
    (_("Overview"), _("Dashboard"), "dashboard", "dashboard.view"),
    (_("Overview"), _("Portal"), "portal", "portal.view"),
    (_("Controls"), _("Gate decisions"), "gates", "gates.view"),
    (_("Controls"), _("Screening"), "screening", "screening.view"),
    (_("Governance"), _("Committees"), "committees", "committees.view"),
    (_("Governance"), _("Cases"), "cases", "cases.view"),
    (_("Governance"), _("Recommendations"), "recommendations", "recommendations.view"),
    (_("Governance"), _("Risk register"), "risks", "risks.view"),
    (_("Governance"), _("Liaison network"), "liaison-network", "liaisons.view"),
    (_("Product"), _("Products"), "products", "products.view"),
    (_("Product"), _("Device access"), "access", "access.view"),
    (_("Labour"), _("Own operations"), "workforce", "workforce.view"),
    (_("Labour"), _("Policies"), "workforce-policies", "policies.view"),
    (_("Labour"), _("Grievances"), "grievances", "grievances.view"),
    (_("Supply chain"), _("Suppliers"), "suppliers", "suppliers.view"),
    (_("Reporting"), _("Reports"), "reports", "reports.view"),
    (_("Reporting"), _("Regulators and partners"), "engagement", "engagement.view"),
    (_("Reporting"), _("Commitments"), "engagement-commitments", "engagement.view"),
    (_("Reporting"), _("Frameworks"), "catalog", "frameworks.view"),
    (_("Reporting"), _("Audit ledger"), "ledger", "ledger.view"),
    (_("Reporting"), _("Evidence bundle"), "evidence", "evidence.export"),
    (_("Administration"), _("Organisation"), "orgunits", "orgunits.view"),
    (_("Administration"), _("Liaisons"), "liaisons", "liaisons.view"),
    (_("Administration"), _("Users"), "users", "users.view"),
    (_("Administration"), _("Investigators"), "investigators", "investigators.view"),
    (_("Administration"), _("API tokens"), "tokens", "tokens.own"),
    (_("Administration"), _("My access log"), "my-access-log", "investigators.own_log"),
    (_("Administration"), _("Sessions"), "sessions", "sessions.own"),
]
# Entries only some roles see although others hold the permission: everyone may read their own access log,
# but only investigators' requests are logged.
_ONLY_FOR = {"my-access-log": "investigator"}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav`: the entries the user's role may open, in order; `nav_groups`: the same, as (group, entries)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "nav_groups": []}
    path = request.path
    items = []
    groups: dict[str, list[dict[str, Any]]] = {}
    for group, label, name, permission in MODULES:
        if name in _ONLY_FOR and user.role != _ONLY_FOR[name]:
            continue
        # `can`, not the role alone: an investigator holds only its granted modules, and ended access nothing
        if can(user, permission):
            url = reverse(name)
            current = path == url if name == "dashboard" else path.startswith(url)
            item = {"label": str(label), "url": url, "current": current}
            items.append(item)
            groups.setdefault(str(group), []).append(item)
    return {"nav": items, "nav_groups": list(groups.items())}
