"""What the supplier services share: the one permission check on a supplier's records and small value
helpers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.errors import NotFound
from conduct.apps.suppliers.models import Supplier
from conduct.apps.suppliers.reference import CATEGORIES, designation, is_country, normalise_category


def authorize_supplier(actor: Actor, permission: str, supplier: Supplier) -> None:
    """The actor may do `permission` to this supplier's records (accounts.scoping.authorize): staff within
    their units, portal users on their own organisation only. To a portal user another supplier's records
    do not exist (404), whatever the permission."""
    if isinstance(actor, SystemActor):
        return
    if not actor.is_portal:
        authorize(actor, permission, unit=supplier.org_unit)
        return
    authorize(actor, permission)  # a permission the role lacks is a 403 before anything else
    if actor.portal_org_id is None or supplier.portal_org_id != actor.portal_org_id:
        raise NotFound(_("No such supplier record."))


def authorize_record(actor: Actor, permission: str, record: Any) -> None:
    """The actor may do `permission` to a certificate, audit, finding or corrective action of the audited
    party: a supplier's (authorize_supplier) or an own site's (staff within the site's unit; to a portal
    user an own site's records do not exist)."""
    if record.supplier_id is not None:
        authorize_supplier(actor, permission, record.supplier)
        return
    if isinstance(actor, SystemActor):
        return
    if actor.is_portal:
        authorize(actor, permission)
        raise NotFound(_("No such record."))
    authorize(actor, permission, unit=record.own_site.org_unit)


def touch(supplier: Supplier | None) -> None:
    if supplier is None:  # an own site's record: there is no supplier row to touch
        return
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


def clean_text(
    value: str | None, field: str, errors: dict[str, str], *, required: bool = False, max_length: int = 200
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > max_length:
        errors[field] = _("At most %(max_length)s characters.") % {"max_length": max_length}
    return text


def clean_categories(
    values: list[str] | tuple[str, ...] | None, errors: dict[str, str], field: str = "categories"
) -> list[str]:
    cleaned, unknown = [], []
    for value in values or []:
        category = normalise_category(str(value))
        if category in CATEGORIES:
            cleaned.append(category)
        elif category:
            unknown.append(str(value))
    if unknown:
        errors[field] = _("Unknown category %(map)s; expected any of %(categories)s.") % {
            "map": ", ".join(map(repr, unknown)),
            "categories": ", ".join(CATEGORIES),
        }
    return sorted(set(cleaned))


def clean_country(value: str | None, field: str, errors: dict[str, str]) -> str:
    code = (value or "").strip().upper()
    if not is_country(code):
        errors[field] = _("%(value)s is not an ISO 3166-1 alpha-2 country code.") % {"value": repr(value)}
    return code


def designated_region_of(supplier: Supplier) -> str:
    own = designation(supplier.region, supplier.country)
    if own:
        return own
    for country, region in supplier.sites.values_list("country", "region"):
        found = designation(region, country)
        if found:
            return found
    return ""
