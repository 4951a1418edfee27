"""What a supplier page or API endpoint reads first. Each of these answers 403 for a role that may never do
what the page or endpoint is for, before any input is judged (422) or any record is looked up (404, out of
scope or unknown); the service behind a write then makes the one full check (accounts.scoping.authorize, with
the record's unit or organisation).

`permission` names what the caller is about to do; None means a read (suppliers.view for staff,
suppliers.portal for a supplier's portal users). `staff=True` is a staff page, which also refuses portal users
(they work their records through the portal pages); `portal=True` a portal page, which refuses staff."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, User
from conduct.apps.accounts.scoping import require
from conduct.apps.accounts.selectors import orgunit_get, orgunit_list
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.suppliers.models import (
    Certificate,
    CorrectiveAction,
    Finding,
    QuestionnaireResponse,
    Supplier,
    SupplierAudit,
    SupplierContact,
    SupplierSite,
)
from conduct.apps.suppliers.permissions import read_permission
from conduct.apps.suppliers.selectors.records import (
    ActionFilters,
    CertificateFilters,
    action_get,
    action_list,
    audit_get,
    audit_list,
    certificate_get,
    certificate_list,
    finding_get,
    portal_summary,
    response_get,
    response_list,
)
from conduct.apps.suppliers.selectors.suppliers import (
    SupplierFilters,
    contact_get,
    site_get,
    supplier_get,
    supplier_list,
)
from conduct.apps.suppliers.services.questionnaires import template_get, templates
from conduct.datafiles import data_path

_MAX_DB_ID = 2**63 - 1  # a larger id names no row (and the database could not even compare it)

# The import templates the import page offers, by the name in their download link.
IMPORT_TEMPLATES = {
    "suppliers": "suppliers.csv",
    "sites": "sites.csv",
    "certificates": "certificates.csv",
    "relations": "relations.csv",
    "workbook": "suppliers-import.xlsx",
    "readme": "README.md",
}


def _entitled(actor: User, permission: str | None, staff: bool = False, portal: bool = False) -> None:
    """403 for a role that may never do this (the message names the permission missing)."""
    if staff:
        require(actor, "suppliers.view")
    require(actor, permission or read_permission(actor))
    if portal:
        require(actor, "suppliers.portal")


def _unit(actor: User, ref: str | int, field: str) -> OrgUnit:
    unknown = Invalid(
        _("Unknown org unit."),
        fields={field: _("No org unit %(ref)s that you can see.") % {"ref": repr(ref)}},
    )
    if str(ref).isdigit() and int(ref) > _MAX_DB_ID:
        raise unknown
    try:
        return orgunit_get(actor=actor, unit_id=ref)
    except NotFound:
        raise unknown from None


def unit_ref(
    *, actor: User, ref: str | int | None, permission: str | None = None, field: str = "org_unit"
) -> OrgUnit | None:
    """An org unit a body or query names by id or code, for what `permission` allows: None when it names
    none; one the actor cannot see is a 422 on `field`."""
    _entitled(actor, permission, staff=False)
    return None if ref is None or ref == "" else _unit(actor, ref, field)


# --- suppliers and what hangs off them ------------------------------------------------------------------


def supplier_index(
    *,
    actor: User,
    filters: SupplierFilters | None = None,
    sort: str = "name",
    org_unit_ref: str | None = None,
    staff: bool = False,
) -> QuerySet[Supplier]:
    """The supplier list; `org_unit_ref` (code or id) narrows it to a unit's subtree (422 when unseen)."""
    _entitled(actor, None, staff)
    f = filters or SupplierFilters()
    if org_unit_ref:
        f = replace(f, org_unit=_unit(actor, org_unit_ref, "org_unit").pk)
    return supplier_list(actor=actor, filters=f, sort=sort)


def supplier_for(
    *, actor: User, supplier_id: int, permission: str | None = None, staff: bool = False
) -> Supplier:
    _entitled(actor, permission, staff)
    return supplier_get(actor=actor, supplier_id=supplier_id)


def own_supplier(*, actor: User, permission: str) -> Supplier:
    """The supplier record of a portal user's organisation, for a portal page that needs `permission` (403
    for staff and for a role without it; 404 while the organisation has no supplier record)."""
    _entitled(actor, permission, portal=True)
    summary = portal_summary(actor=actor)
    if not summary or summary["supplier"] is None:
        raise NotFound(
            _("Your organisation is not linked to a supplier record yet; ask your contact at the company.")
        )
    supplier: Supplier = summary["supplier"]
    return supplier


def supplier_form_choices(
    *, actor: User, supplier: Supplier | None = None
) -> tuple[QuerySet[OrgUnit], QuerySet[PortalOrganisation]]:
    """The units and the supplier portal organisations the supplier form offers (suppliers.change): for a
    new supplier the organisations no supplier holds yet; for `supplier`, those plus its own."""
    _entitled(actor, "suppliers.change", staff=False)
    kind = PortalOrganisation.Kind.SUPPLIER
    if supplier is None:
        orgs = PortalOrganisation.objects.filter(kind=kind, supplier__isnull=True)
    else:
        held = Supplier.objects.exclude(pk=supplier.pk)
        orgs = PortalOrganisation.objects.filter(kind=kind).exclude(supplier__in=held)
    return orgunit_list(actor=actor), orgs


def site_for(
    *, actor: User, site_id: int, permission: str | None = None, staff: bool = False
) -> SupplierSite:
    _entitled(actor, permission, staff)
    return site_get(actor=actor, site_id=site_id)


def contact_for(
    *, actor: User, contact_id: int, permission: str | None = None, staff: bool = False
) -> SupplierContact:
    _entitled(actor, permission, staff)
    return contact_get(actor=actor, contact_id=contact_id)


# --- certificates, audits, corrective actions, questionnaires ------------------------------------------


def certificate_index(
    *,
    actor: User,
    filters: CertificateFilters | None = None,
    org_unit_ref: str | None = None,
    staff: bool = False,
) -> QuerySet[Certificate]:
    _entitled(actor, None, staff)
    f = filters or CertificateFilters()
    if org_unit_ref:
        f = replace(f, org_unit=_unit(actor, org_unit_ref, "org_unit").pk)
    return certificate_list(actor=actor, filters=f)


def certificate_for(
    *, actor: User, certificate_id: int, permission: str | None = None, staff: bool = False
) -> Certificate:
    _entitled(actor, permission, staff)
    return certificate_get(actor=actor, certificate_id=certificate_id)


def audit_index(
    *, actor: User, supplier: int | None = None, kind: str | None = None, staff: bool = False
) -> QuerySet[SupplierAudit]:
    _entitled(actor, None, staff)
    return audit_list(actor=actor, supplier=supplier, kind=kind)


def audit_for(
    *, actor: User, audit_id: int, permission: str | None = None, staff: bool = False
) -> SupplierAudit:
    _entitled(actor, permission, staff)
    return audit_get(actor=actor, audit_id=audit_id)


def finding_for(*, actor: User, finding_id: int, permission: str | None = None) -> Finding:
    _entitled(actor, permission, staff=False)
    return finding_get(actor=actor, finding_id=finding_id)


def action_index(
    *,
    actor: User,
    filters: ActionFilters | None = None,
    org_unit_ref: str | None = None,
    staff: bool = False,
) -> QuerySet[CorrectiveAction]:
    _entitled(actor, None, staff)
    f = filters or ActionFilters()
    if org_unit_ref:
        f = replace(f, org_unit=_unit(actor, org_unit_ref, "org_unit").pk)
    return action_list(actor=actor, filters=f)


def action_for(
    *, actor: User, action_id: int, permission: str | None = None, staff: bool = False, portal: bool = False
) -> CorrectiveAction:
    _entitled(actor, permission, staff, portal)
    return action_get(actor=actor, action_id=action_id)


def response_index(
    *, actor: User, supplier: int | None = None, status: str | None = None, staff: bool = False
) -> QuerySet[QuestionnaireResponse]:
    _entitled(actor, None, staff)
    return response_list(actor=actor, supplier=supplier, status=status)


def response_for(
    *, actor: User, response_id: int, permission: str | None = None, staff: bool = False
) -> QuestionnaireResponse:
    _entitled(actor, permission, staff)
    return response_get(actor=actor, response_id=response_id)


def questionnaire_templates(*, actor: User) -> dict[str, dict[str, Any]]:
    """Every questionnaire template shipped, by key (for anyone who reads suppliers or their portal)."""
    _entitled(actor, None, staff=False)
    return templates()


def questionnaire_template_for(*, actor: User, key: str) -> dict[str, Any]:
    _entitled(actor, None, staff=False)
    return template_get(key)


# --- the import --------------------------------------------------------------------------------------


def import_choices(*, actor: User) -> QuerySet[OrgUnit]:
    """The org units the import form offers as the default owner (403 for a role that may never import)."""
    _entitled(actor, "suppliers.import", staff=False)
    return orgunit_list(actor=actor)


def import_template_for(*, actor: User, kind: str) -> Path | None:
    """The import template file `kind` names (a staff download), or None for no such template."""
    _entitled(actor, None, staff=True)
    name = IMPORT_TEMPLATES.get(kind)
    return None if name is None else data_path("templates", "suppliers", name)
