"""Writes to suppliers: create and update, sites and contacts, tier relations, and onboarding through the gate."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, PortalOrganisation
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import (
    ResponseStatus,
    Supplier,
    SupplierContact,
    SupplierRelation,
    SupplierSite,
    SupplierStatus,
    join_categories,
)
from conduct.apps.suppliers.reference import CATEGORIES, designation, is_country, normalise_category
from conduct.apps.suppliers.services._common import authorize_supplier, changed, touch
from conduct.apps.suppliers.services.pipeline import suppliers_changed
from conduct.apps.suppliers.services.risk import risk_refresh
from conduct.events.gates import gate_decide

_NAME_MAX = 300


def _text(
    value: str | None, field: str, errors: dict[str, str], *, required: bool = False, max_length: int = 200
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = "Required."
    elif len(text) > max_length:
        errors[field] = f"At most {max_length} characters."
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
        errors[field] = (
            f"Unknown category {', '.join(map(repr, unknown))}; expected any of {', '.join(CATEGORIES)}."
        )
    return sorted(set(cleaned))


def _country(value: str | None, field: str, errors: dict[str, str]) -> str:
    code = (value or "").strip().upper()
    if not is_country(code):
        errors[field] = f"{value!r} is not an ISO 3166-1 alpha-2 country code."
    return code


def _designated(supplier: Supplier) -> str:
    own = designation(supplier.region, supplier.country)
    if own:
        return own
    for country, region in supplier.sites.values_list("country", "region"):
        found = designation(region, country)
        if found:
            return found
    return ""


def _check_registration(registration_id: str, supplier: Supplier | None, errors: dict[str, str]) -> None:
    if not registration_id:
        return
    clash = Supplier.objects.filter(registration_id=registration_id)
    if supplier is not None:
        clash = clash.exclude(pk=supplier.pk)
    other = clash.first()
    if other is not None:
        errors["registration_id"] = f"Already the registration id of {other.name}."


def _check_portal(
    portal_org: PortalOrganisation | None, supplier: Supplier | None, errors: dict[str, str]
) -> None:
    if portal_org is None:
        return
    if portal_org.kind != PortalOrganisation.Kind.SUPPLIER:
        errors["portal_org"] = "Only a supplier's portal organisation can be linked to a supplier."
        return
    clash = Supplier.objects.filter(portal_org=portal_org)
    if supplier is not None:
        clash = clash.exclude(pk=supplier.pk)
    if clash.exists():
        errors["portal_org"] = f"{portal_org.name} is already linked to another supplier."


@transaction.atomic
def supplier_create(
    *,
    actor: Actor,
    name: str,
    country: str,
    org_unit: OrgUnit,
    categories: list[str] | None = None,
    external_id: str | None = None,
    aliases: list[str] | None = None,
    registration_id: str = "",
    other_registration_ids: list[str] | None = None,
    region: str = "",
    address: str = "",
    parent_company: Supplier | None = None,
    portal_org: PortalOrganisation | None = None,
    status: str = SupplierStatus.PROSPECT,
) -> Supplier:
    authorize(actor, "suppliers.change", unit=org_unit)
    errors: dict[str, str] = {}
    name = _text(name, "name", errors, required=True, max_length=_NAME_MAX)
    country = _country(country, "country", errors)
    cats = clean_categories(categories, errors)
    external = (external_id or "").strip() or None
    if external and len(external) > 100:
        errors["external_id"] = "At most 100 characters."
    elif external and Supplier.objects.filter(external_id=external).exists():
        errors["external_id"] = "Another supplier already has this external id."
    registration = _text(registration_id, "registration_id", errors, max_length=100)
    _check_registration(registration, None, errors)
    _check_portal(portal_org, None, errors)
    if status not in SupplierStatus.values or status == SupplierStatus.ACTIVE:
        errors["status"] = (
            "A new supplier starts as a prospect or onboarding; it becomes active through onboarding."
        )
    region = _text(region, "region", errors)
    if errors:
        raise Invalid("The supplier is not valid.", fields=errors)
    supplier = Supplier.objects.create(
        external_id=external,
        name=name,
        country=country,
        org_unit=org_unit,
        categories=join_categories(cats),
        aliases=[a.strip() for a in aliases or [] if a.strip()],
        registration_id=registration,
        other_registration_ids=[r.strip() for r in other_registration_ids or [] if r.strip()],
        region=region,
        address=(address or "").strip(),
        parent_company=parent_company,
        portal_org=portal_org,
        status=status,
        designated_region=designation(region, country),
    )
    ledger_append(
        actor=actor,
        action=SupplierAction.SUPPLIER_CREATE,
        object_type="supplier",
        object_id=supplier.pk,
        summary={
            "name": name,
            "country": country,
            "org_unit": org_unit.code,
            "categories": cats,
            "external_id": external,
            "portal_org": portal_org.pk if portal_org else None,
        },
    )
    suppliers_changed(actor=actor, suppliers=[supplier], reason="create")
    return supplier


# What a party's screening reads, and what the risk model reads, of a supplier's own fields.
_SCREENED = frozenset({"name", "aliases", "country", "org_unit"})
_SCORED = frozenset({"country", "region", "categories"})

# Status changes a person may make; "active" also needs an onboarding decision that allows it.
_TRANSITIONS = {
    SupplierStatus.PROSPECT: {SupplierStatus.ONBOARDING, SupplierStatus.EXITED},
    SupplierStatus.ONBOARDING: {SupplierStatus.ACTIVE, SupplierStatus.PROSPECT, SupplierStatus.EXITED},
    SupplierStatus.ACTIVE: {SupplierStatus.SUSPENDED, SupplierStatus.EXITED},
    SupplierStatus.SUSPENDED: {SupplierStatus.ACTIVE, SupplierStatus.EXITED},
    SupplierStatus.EXITED: {SupplierStatus.ONBOARDING},
}


@transaction.atomic
def supplier_update(*, actor: Actor, supplier: Supplier, **fields: Any) -> Supplier:
    """Change any of: name, country, region, address, categories, aliases, registration_id,
    other_registration_ids, parent_company, portal_org, org_unit, status."""
    authorize_supplier(actor, "suppliers.change", supplier)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if "name" in fields:
        changed(
            supplier,
            "name",
            _text(fields["name"], "name", errors, required=True, max_length=_NAME_MAX),
            changes,
        )
    if "country" in fields:
        changed(supplier, "country", _country(fields["country"], "country", errors), changes)
    if "region" in fields:
        changed(supplier, "region", _text(fields["region"], "region", errors), changes)
    if "address" in fields:
        changed(supplier, "address", (fields["address"] or "").strip(), changes)
    if "categories" in fields:
        changed(
            supplier, "categories", join_categories(clean_categories(fields["categories"], errors)), changes
        )
    if "aliases" in fields:
        changed(supplier, "aliases", [a.strip() for a in fields["aliases"] or [] if a.strip()], changes)
    if "other_registration_ids" in fields:
        changed(
            supplier,
            "other_registration_ids",
            [r.strip() for r in fields["other_registration_ids"] or [] if r.strip()],
            changes,
        )
    if "registration_id" in fields:
        registration = _text(fields["registration_id"], "registration_id", errors, max_length=100)
        _check_registration(registration, supplier, errors)
        changed(supplier, "registration_id", registration, changes)
    if "parent_company" in fields:
        parent = fields["parent_company"]
        if parent is not None and parent.pk == supplier.pk:
            errors["parent_company"] = "A supplier cannot be its own parent company."
        changed(supplier, "parent_company", parent, changes)
    if "portal_org" in fields:
        _check_portal(fields["portal_org"], supplier, errors)
        changed(supplier, "portal_org", fields["portal_org"], changes)
    if "org_unit" in fields and fields["org_unit"] != supplier.org_unit:
        authorize(actor, "suppliers.change", unit=fields["org_unit"])
        changed(supplier, "org_unit", fields["org_unit"], changes)
    if "status" in fields and fields["status"] != supplier.status:
        _check_status(supplier, fields["status"], errors)
        changed(supplier, "status", fields["status"], changes)
    if errors:
        raise Invalid("The supplier is not valid.", fields=errors)
    if changes:
        supplier.designated_region = _designated(supplier)
        supplier.updated_at = timezone.now()
        supplier.save()
        ledger_append(
            actor=actor,
            action=SupplierAction.SUPPLIER_UPDATE,
            object_type="supplier",
            object_id=supplier.pk,
            summary=changes,
        )
        screen = bool(changes.keys() & _SCREENED)
        if screen or changes.keys() & _SCORED:
            suppliers_changed(actor=actor, suppliers=[supplier], reason="update", screen=screen)
    return supplier


def _check_status(supplier: Supplier, status: str, errors: dict[str, str]) -> None:
    if status not in SupplierStatus.values:
        errors["status"] = f"Unknown status {status!r}; expected one of {', '.join(SupplierStatus.values)}."
        return
    if status not in _TRANSITIONS[supplier.status]:
        errors["status"] = f"A {supplier.get_status_display().lower()} supplier cannot become {status}."
        return
    if status == SupplierStatus.ACTIVE:
        decision = supplier.onboarding_decision
        if decision is None or decision.effective_outcome != "allow":
            errors["status"] = (
                "Only a supplier whose onboarding decision allows it (or a case resolved to allow) can become active."
            )


def onboarding_subject(supplier: Supplier, *, today: date | None = None) -> dict[str, Any]:
    """The supplier_onboarding gate subject for this supplier, from its records."""
    today = today or timezone.localdate()
    certificates = [
        {
            "standard": c.standard,
            "number": c.number,
            "issuer": c.issuer or None,
            "valid_from": c.valid_from.isoformat() if c.valid_from else None,
            "valid_until": c.valid_until.isoformat(),
        }
        for c in supplier.certificates.filter(withdrawn_at__isnull=True).order_by("standard", "-valid_until")
    ]
    saq = supplier.questionnaires.filter(
        status__in=[ResponseStatus.SUBMITTED, ResponseStatus.ACCEPTED]
    ).exists()
    parent = supplier.parent_company
    return {
        "reference": f"supplier:{supplier.external_id or supplier.pk}",
        "supplier": {
            "name": supplier.name,
            "country": supplier.country,
            "region": supplier.region or None,
            "parent": parent.name if parent else None,
            "aliases": list(supplier.aliases),
        },
        "sites": [
            {"country": c, "region": r or None} for c, r in supplier.sites.values_list("country", "region")
        ],
        "categories": supplier.category_list,
        "certificates": certificates,
        "saq_completed": saq,
        "as_of": today.isoformat(),
    }


# What an onboarding decision does to the supplier's status: (status now, outcome) -> new status. Re-running the
# gate on an active supplier records a fresh decision; a deny then suspends it. A suspension is only lifted by a
# person (supplier_update), never by the gate.
def _after_decision(status: str, outcome: str) -> str:
    if status == SupplierStatus.SUSPENDED:
        return status
    if status == SupplierStatus.ACTIVE:
        return SupplierStatus.SUSPENDED if outcome == "deny" else status
    return SupplierStatus.ACTIVE if outcome == "allow" else SupplierStatus.ONBOARDING


@transaction.atomic
def supplier_onboard(*, actor: Actor, supplier: Supplier, idempotency_key: str | None = None) -> Supplier:
    """Run the supplier_onboarding gate on the supplier's records and keep its decision on the supplier.
    A new supplier: allow -> active; review -> onboarding (a case is open); deny -> onboarding, and it cannot be
    activated. An active supplier re-checked: a deny suspends it."""
    authorize_supplier(actor, "suppliers.onboard", supplier)
    decided = gate_decide(
        actor=actor,
        gate="supplier_onboarding",
        subject=onboarding_subject(supplier),
        org_unit=supplier.org_unit,
        idempotency_key=idempotency_key,
    )
    decision = decided.decision
    before = supplier.status
    supplier.onboarding_decision = decision
    supplier.status = _after_decision(before, decision.effective_outcome)
    supplier.updated_at = timezone.now()
    supplier.save(update_fields=["onboarding_decision", "status", "updated_at"])
    ledger_append(
        actor=actor,
        action=SupplierAction.SUPPLIER_ONBOARD,
        object_type="supplier",
        object_id=supplier.pk,
        summary={"decision": decision.pk, "outcome": decision.outcome, "status": [before, supplier.status]},
    )
    return supplier


# --- sites and contacts ---------------------------------------------------------------------------


def _site_fields(fields: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in fields:
        out["name"] = _text(fields["name"], "name", errors, required=True)
    if "country" in fields:
        out["country"] = _country(fields["country"], "country", errors)
    if "region" in fields:
        out["region"] = _text(fields["region"], "region", errors)
    if "address" in fields:
        out["address"] = (fields["address"] or "").strip()
    if "headcount" in fields:
        headcount = fields["headcount"]
        if headcount is not None and (
            isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 0
        ):
            errors["headcount"] = "A whole number of people, 0 or more."
        out["headcount"] = headcount
    return out


def _after_site_change(
    actor: Actor, supplier: Supplier, action: str, site_id: int, summary: dict[str, Any]
) -> None:
    designated = _designated(supplier)
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
        errors["name"] = f"{supplier.name} already has a site called {values['name']!r}."
    if errors:
        raise Invalid("The site is not valid.", fields=errors)
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
        errors["name"] = "Another site of this supplier has that name."
    if errors:
        raise Invalid("The site is not valid.", fields=errors)
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
    """Remove a site. Certificates that covered it stay, covering their other sites (or none): the ledger entry
    names them, since their coverage shrank. Audits of the site keep their record without it."""
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
    name = _text(name, "name", errors, required=True)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"{email!r} is not an email address."
    if errors:
        raise Invalid("The contact is not valid.", fields=errors)
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
        raise Invalid("A supplier cannot supply itself.", fields={"supplier": "Choose another supplier."})
    if SupplierRelation.objects.filter(buyer=buyer, supplier=supplier).exists():
        raise Conflict(
            f"{buyer.name} already buys from {supplier.name}.", fields={"supplier": "Already related."}
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
