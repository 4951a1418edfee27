"""What the supplier services share: the write-permission check and small value helpers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require, require_unit
from conduct.apps.errors import NotFound
from conduct.apps.suppliers.models import Supplier


def check_write(actor: User | None, permission: str, supplier: Supplier) -> None:
    """The actor may do `permission` to this supplier: staff within their units, portal users on their own
    organisation only (another supplier's records answer 404: they do not exist for them). None = system."""
    if actor is None:
        return
    require(actor, permission)
    if actor.is_portal:
        if actor.portal_org_id is None or supplier.portal_org_id != actor.portal_org_id:
            raise NotFound("No such supplier record.")
        return
    require_unit(actor, permission, supplier.org_unit)


def touch(supplier: Supplier) -> None:
    Supplier.objects.filter(pk=supplier.pk).update(updated_at=timezone.now())


def changed(obj: Any, field: str, value: Any, changes: dict[str, Any]) -> None:
    old = getattr(obj, field)
    if old != value:
        changes[field] = [_plain(old), _plain(value)]
        setattr(obj, field, value)


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value
