"""Writes to a supplier's sites, contacts and tier relations (who buys from whom)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import (
    Supplier,
    SupplierContact,
    SupplierRelation,
    SupplierSite,
)
from conduct.apps.suppliers.reference import designation
from conduct.apps.suppliers.services._common import (
    authorize_supplier,
    changed,
    clean_country,
    clean_text,
    designated_region_of,
    touch,
)
from conduct.apps.suppliers.services.risk import risk_refresh

_NAME_MAX = 300


# --- sites and contacts ---------------------------------------------------------------------------


def _site_fields(fields: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in fields:
        out["name"] = clean_text(fields["name"], "name", errors, required=True)
    if "country" in fields:
        out["country"] = clean_country(fields["country"], "country", errors)
    if "region" in fields:
        out["region"] = clean_text(fields["region"], "region", errors)
    if "address" in fields:
        out["address"] = (fields["address"] or "").strip()
    if "headcount" in fields:
        headcount = fields["headcount"]
        if headcount is not None and (
            isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 0
        ):
            errors["headcount"] = _("A whole number of people, 0 or more.")
        out["headcount"] = headcount
    return out


def _after_site_change(
    actor: Actor, supplier: Supplier, action: str, site_id: int, summary: dict[str, Any]
) -> None:
    designated = designated_region_of(supplier)
    if designated != supplier.designated_region:
        Supplier.objects.filter(pk=supplier.pk).update(designated_region=designated)
        supplier.designated_region = designated
    touch(supplier)
    ledger_append(
        actor=actor,
        action=action,
        object_type="supplier_site",
        object_id=site_id,
        summary={"supplier": supplier.pk, **summary},
    )
    risk_refresh([supplier.pk])


@transaction.atomic
def site_add(
    *,
    actor: Actor,
    supplier: Supplier,
    name: str,
    country: str,
    region: str = "",
    address: str = "",
    headcount: int | None = None,
) -> SupplierSite:
    authorize_supplier(actor, "suppliers.change", supplier)
    errors: dict[str, str] = {}
    values = _site_fields(
        {"name": name, "country": country, "region": region, "address": address, "headcount": headcount},
        errors,
    )
    if not errors and supplier.sites.filter(name=values["name"]).exists():
        errors["name"] = _("%(name)s already has a site called %(name2)s.") % {
            "name": supplier.name,
            "name2": repr(values["name"]),
        }
    if errors:
        raise Invalid(_("The site is not valid."), fields=errors)
    site = SupplierSite.objects.create(
        supplier=supplier, designated_region=designation(values["region"], values["country"]), **values
    )
    _after_site_change(
        actor, supplier, "supplier.site_add", site.pk, {k: v for k, v in values.items() if k != "address"}
    )
    return site


@transaction.atomic
def site_update(*, actor: Actor, site: SupplierSite, **fields: Any) -> SupplierSite:
    authorize_supplier(actor, "suppliers.change", site.supplier)
    errors: dict[str, str] = {}
    values = _site_fields(fields, errors)
    if "name" in values and site.supplier.sites.filter(name=values["name"]).exclude(pk=site.pk).exists():
        errors["name"] = _("Another site of this supplier has that name.")
    if errors:
        raise Invalid(_("The site is not valid."), fields=errors)
    changes: dict[str, Any] = {}
    for field, value in values.items():
        changed(site, field, value, changes)
    if changes:
        site.designated_region = designation(site.region, site.country)
        site.save()
        _after_site_change(actor, site.supplier, "supplier.site_update", site.pk, changes)
    return site


@transaction.atomic
def site_remove(*, actor: Actor, site: SupplierSite) -> None:
    """Remove a site. Certificates that covered it stay, covering their other sites (or none): the ledger
    entry names them, since their coverage shrank. Audits of the site keep their record without it."""
    supplier = site.supplier
    authorize_supplier(actor, "suppliers.change", supplier)
    site_id, name = site.pk, site.name
    covering = sorted(site.certificates.values_list("pk", flat=True))
    site.delete()
    _after_site_change(
        actor, supplier, "supplier.site_remove", site_id, {"name": name, "certificates": covering}
    )


@transaction.atomic
def contact_add(
    *,
    actor: Actor,
    supplier: Supplier,
    name: str,
    email: str = "",
    phone: str = "",
    role: str = "",
    receives_reminders: bool = True,
) -> SupplierContact:
    authorize_supplier(actor, "suppliers.change", supplier)
    errors: dict[str, str] = {}
    name = clean_text(name, "name", errors, required=True)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("%(email)s is not an email address.") % {"email": repr(email)}
    if errors:
        raise Invalid(_("The contact is not valid."), fields=errors)
    contact = SupplierContact.objects.create(
        supplier=supplier,
        name=name,
        email=email,
        phone=(phone or "").strip()[:50],
        role=(role or "").strip()[:100],
        receives_reminders=receives_reminders,
    )
    ledger_append(
        actor=actor,
        action=SupplierAction.CONTACT_ADD,
        object_type="supplier_contact",
        object_id=contact.pk,
        summary={"supplier": supplier.pk, "name": name, "reminders": receives_reminders},
    )
    return contact


@transaction.atomic
def contact_remove(*, actor: Actor, contact: SupplierContact) -> None:
    authorize_supplier(actor, "suppliers.change", contact.supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction.CONTACT_REMOVE,
        object_type="supplier_contact",
        object_id=contact.pk,
        summary={"supplier": contact.supplier_id, "name": contact.name},
    )
    contact.delete()


# --- tier relations -------------------------------------------------------------------------------


@transaction.atomic
def relation_add(*, actor: Actor, buyer: Supplier, supplier: Supplier) -> SupplierRelation:
    """Record that `buyer` buys from `supplier` (its sub-supplier). Both must be within the actor's reach."""
    authorize_supplier(actor, "suppliers.change", buyer)
    authorize_supplier(actor, "suppliers.change", supplier)
    if buyer.pk == supplier.pk:
        raise Invalid(
            _("A supplier cannot supply itself."), fields={"supplier": _("Choose another supplier.")}
        )
    if SupplierRelation.objects.filter(buyer=buyer, supplier=supplier).exists():
        raise Conflict(
            _("%(name)s already buys from %(name2)s.") % {"name": buyer.name, "name2": supplier.name},
            fields={"supplier": _("Already related.")},
        )
    relation = SupplierRelation.objects.create(buyer=buyer, supplier=supplier)
    supplier_graph.tiers_refresh()
    ledger_append(
        actor=actor,
        action=SupplierAction.RELATION_ADD,
        object_type="supplier_relation",
        object_id=relation.pk,
        summary={"buyer": buyer.pk, "supplier": supplier.pk},
    )
    risk_refresh([buyer.pk])
    return relation


@transaction.atomic
def relation_remove(*, actor: Actor, relation: SupplierRelation) -> None:
    authorize_supplier(actor, "suppliers.change", relation.buyer)
    buyer_id, supplier_id, relation_id = relation.buyer_id, relation.supplier_id, relation.pk
    relation.delete()
    supplier_graph.tiers_refresh()
    ledger_append(
        actor=actor,
        action=SupplierAction.RELATION_REMOVE,
        object_type="supplier_relation",
        object_id=relation_id,
        summary={"buyer": buyer_id, "supplier": supplier_id},
    )
    risk_refresh([buyer_id])
