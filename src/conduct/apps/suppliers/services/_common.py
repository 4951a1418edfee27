"""What the supplier services share: the one permission check on a supplier's records and small value helpers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.errors import NotFound
from conduct.apps.suppliers.models import Supplier


def authorize_supplier(actor: Actor | None, permission: str, supplier: Supplier) -> None:
    """The actor may do `permission` to this supplier's records (accounts.scoping.authorize): staff within their
    units, portal users on their own organisation only. To a portal user another supplier's records do not
    exist (404), whatever the permission. None is read as the system actor (older callers, e.g. test set-up)."""
    if actor is None or isinstance(actor, SystemActor):
        return
    if not actor.is_portal:
        authorize(actor, permission, unit=supplier.org_unit)
        return
    authorize(actor, permission)  # a permission the role lacks is a 403 before anything else
    if actor.portal_org_id is None or supplier.portal_org_id != actor.portal_org_id:
        raise NotFound("No such supplier record.")


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
