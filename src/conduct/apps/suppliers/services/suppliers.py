"""Writes to suppliers: create and update, and onboarding through the gate (sites, contacts and tier relations
are in services.sites)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, PortalOrganisation
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid, raise_if
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import (
    ResponseStatus,
    Supplier,
    SupplierStatus,
    join_categories,
)
from conduct.apps.suppliers.reference import designation
from conduct.apps.suppliers.services._common import (
    authorize_supplier,
    changed,
    clean_categories,
    clean_country,
    clean_text,
    designated_region_of,
)
from conduct.apps.suppliers.services.pipeline import suppliers_changed
from conduct.events.gates import gate_decide

_NAME_MAX = 300


def _check_registration(registration_id: str, supplier: Supplier | None, errors: dict[str, str]) -> None:
    if not registration_id:
        return
    clash = Supplier.objects.filter(registration_id=registration_id)
    if supplier is not None:
        clash = clash.exclude(pk=supplier.pk)
    other = clash.first()
    if other is not None:
        errors["registration_id"] = _("Already the registration id of %(name)s.") % {"name": other.name}


def _check_portal(
    portal_org: PortalOrganisation | None, supplier: Supplier | None, errors: dict[str, str]
) -> None:
    if portal_org is None:
        return
    if portal_org.kind != PortalOrganisation.Kind.SUPPLIER:
        errors["portal_org"] = _("Only a supplier's portal organisation can be linked to a supplier.")
        return
    clash = Supplier.objects.filter(portal_org=portal_org)
    if supplier is not None:
        clash = clash.exclude(pk=supplier.pk)
    if clash.exists():
        errors["portal_org"] = _("%(name)s is already linked to another supplier.") % {
            "name": portal_org.name
        }


def _clean_external_id(external_id: str | None, errors: dict[str, str]) -> str | None:
    external = (external_id or "").strip() or None
    if external and len(external) > 100:
        errors["external_id"] = _("At most 100 characters.")
    elif external and Supplier.objects.filter(external_id=external).exists():
        errors["external_id"] = _("Another supplier already has this external id.")
    return external


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
    status: str = str(SupplierStatus.PROSPECT),
) -> Supplier:
    authorize(actor, "suppliers.change", unit=org_unit)
    errors: dict[str, str] = {}
    name = clean_text(name, "name", errors, required=True, max_length=_NAME_MAX)
    country = clean_country(country, "country", errors)
    cats = clean_categories(categories, errors)
    external = _clean_external_id(external_id, errors)
    registration = clean_text(registration_id, "registration_id", errors, max_length=100)
    _check_registration(registration, None, errors)
    _check_portal(portal_org, None, errors)
    if status not in SupplierStatus.values or status == SupplierStatus.ACTIVE:
        errors["status"] = _(
            "A new supplier starts as a prospect or onboarding; it becomes active through onboarding."
        )
    region = clean_text(region, "region", errors)
    raise_if(errors, _("The supplier is not valid."))
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
    summary = {"name": name, "country": country, "org_unit": org_unit.code, "categories": cats}
    summary |= {"external_id": external, "portal_org": portal_org.pk if portal_org else None}
    ledger_append(
        actor=actor,
        action=SupplierAction.SUPPLIER_CREATE,
        object_type="supplier",
        object_id=supplier.pk,
        summary=summary,
    )
    suppliers_changed(actor=actor, suppliers=[supplier], reason="create")
    supplier.refresh_from_db(fields=["risk_score", "risk_band"])
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
    _update_own_fields(supplier, fields, errors, changes)
    _update_links(actor, supplier, fields, errors, changes)
    if errors:
        raise Invalid(_("The supplier is not valid."), fields=errors)
    if changes:
        supplier.designated_region = designated_region_of(supplier)
        supplier.updated_at = timezone.now()
        # Only what changed: the score and band are the risk service's, and this copy may predate them.
        supplier.save(update_fields=[*changes, "designated_region", "updated_at"])
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


def _update_own_fields(
    supplier: Supplier, fields: dict[str, Any], errors: dict[str, str], changes: dict[str, Any]
) -> None:
    """Name, country, region, address, categories, aliases, other registration ids."""
    if "name" in fields:
        changed(
            supplier,
            "name",
            clean_text(fields["name"], "name", errors, required=True, max_length=_NAME_MAX),
            changes,
        )
    if "country" in fields:
        changed(supplier, "country", clean_country(fields["country"], "country", errors), changes)
    if "region" in fields:
        changed(supplier, "region", clean_text(fields["region"], "region", errors), changes)
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


def _update_links(
    actor: Actor, supplier: Supplier, fields: dict[str, Any], errors: dict[str, str], changes: dict[str, Any]
) -> None:
    """Registration id, parent company, portal organisation, org unit (the actor's scope too), status."""
    if "registration_id" in fields:
        registration = clean_text(fields["registration_id"], "registration_id", errors, max_length=100)
        _check_registration(registration, supplier, errors)
        changed(supplier, "registration_id", registration, changes)
    if "parent_company" in fields:
        parent = fields["parent_company"]
        if parent is not None and parent.pk == supplier.pk:
            errors["parent_company"] = _("A supplier cannot be its own parent company.")
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


def _check_status(supplier: Supplier, status: str, errors: dict[str, str]) -> None:
    if status not in SupplierStatus.values:
        errors["status"] = _("Unknown status %(status)s; expected one of %(values)s.") % {
            "status": repr(status),
            "values": ", ".join(SupplierStatus.values),
        }
        return
    if status not in _TRANSITIONS[supplier.status]:
        errors["status"] = _("A %(lower)s supplier cannot become %(status)s.") % {
            "lower": supplier.get_status_display().lower(),
            "status": status,
        }
        return
    if status == SupplierStatus.ACTIVE:
        decision = supplier.onboarding_decision
        if decision is None or decision.effective_outcome != "allow":
            errors["status"] = _(
                "Only a supplier whose onboarding decision allows it (or a case resolved to allow) "
                "can become active."
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


# What an onboarding decision does to the supplier's status: (status now, outcome) -> new status. Re-running
# the
# gate on an active supplier records a fresh decision; a deny then suspends it. A suspension is only lifted by
# a
# person (supplier_update), never by the gate.
def _after_decision(status: str, outcome: str) -> str:
    if status == SupplierStatus.SUSPENDED:
        return status
    if status == SupplierStatus.ACTIVE:
        return str(SupplierStatus.SUSPENDED) if outcome == "deny" else status
    return str(SupplierStatus.ACTIVE) if outcome == "allow" else str(SupplierStatus.ONBOARDING)


@transaction.atomic
def supplier_onboard(*, actor: Actor, supplier: Supplier, idempotency_key: str | None = None) -> Supplier:
    """Run the supplier_onboarding gate on the supplier's records and keep its decision on the supplier. A new
    supplier: allow -> active; review -> onboarding (a case is open); deny -> onboarding, and it cannot be
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
