"""Navigation for the base layout: one entry per module, shown only to roles that may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from conduct.apps.accounts.roles import role_has

# (label, url name, permission)
MODULES: list[tuple[str, str, str]] = [
    ("Dashboard", "dashboard", "dashboard.view"),
    ("Gate decisions", "gates", "gates.view"),
    ("Committees", "committees", "committees.view"),
    ("Cases", "cases", "cases.view"),
    ("Recommendations", "recommendations", "recommendations.view"),
    ("Screening", "screening", "screening.view"),
    ("Suppliers", "suppliers", "suppliers.view"),
    ("Products", "products", "products.view"),
    ("Device access", "access", "access.view"),
    ("Own operations", "workforce", "workforce.view"),
    ("Policies", "workforce-policies", "policies.view"),
    ("Grievances", "grievances", "grievances.view"),
    ("Frameworks", "catalog", "frameworks.view"),
    ("Risk register", "risks", "risks.view"),
    ("Reports", "reports", "reports.view"),
    ("Organisation", "orgunits", "orgunits.view"),
    ("Liaisons", "liaisons", "liaisons.view"),
    ("Liaison network", "liaison-network", "liaisons.view"),
    ("Users", "users", "users.view"),
    ("Audit ledger", "ledger", "ledger.view"),
    ("API tokens", "tokens", "tokens.own"),
    ("Portal", "portal", "portal.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    path = request.path
    items = []
    for label, name, permission in MODULES:
        if role_has(user.role, permission):
            url = reverse(name)
            current = path == url if name == "dashboard" else path.startswith(url)
            items.append({"label": label, "url": url, "current": current})
    return {"nav": items}
