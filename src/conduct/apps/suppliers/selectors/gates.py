"""The role gates supplier pages and endpoints pass before they look a record up: a role that can never do
something learns so (403) before it learns whether the record exists (404). Staff pages also refuse portal
users, who work their records through the portal pages. The service behind a write makes the full check
(accounts.scoping.authorize, with the record's unit or organisation)."""

from __future__ import annotations

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.accounts.selectors import role_gate

__all__ = ["read_gate", "role_gate", "staff_gate"]
from conduct.apps.suppliers.permissions import read_permission


def staff_gate(actor: User, permission: str = "suppliers.view") -> User:
    """A staff page (suppliers.view) that needs `permission`."""
    require(actor, "suppliers.view")
    require(actor, permission)
    return actor


def read_gate(actor: User) -> User:
    """A read: staff through suppliers.view, portal users through suppliers.portal."""
    require(actor, read_permission(actor))
    return actor
