"""A supplier's sites, contacts and sub-suppliers (the tier relations)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from conduct.apps.apikit import actor_of
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import (
    selectors,
    services,
)
from conduct.apps.suppliers.api import router
from conduct.apps.suppliers.api._common import (
    SupplierContactOut,
    SupplierRef,
    SupplierSiteOut,
    supplier_ref,
)


class SupplierSiteIn(Schema):
    name: str = Field(..., max_length=200)
    country: str = Field(..., min_length=2, max_length=2)
    region: str = Field("", max_length=200)
    address: str = Field("", max_length=2000)
    headcount: int | None = Field(None, ge=0, le=10_000_000)


class SupplierSitePatch(Schema):
    name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, min_length=2, max_length=2)
    region: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    headcount: int | None = Field(None, ge=0, le=10_000_000)


@router.post("/suppliers/{supplier_id}/sites", response={201: SupplierSiteOut})
def add_site(request: HttpRequest, supplier_id: int, payload: SupplierSiteIn) -> Status:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.change")
    return Status(201, services.site_add(actor=actor, supplier=supplier, **payload.dict()))


@router.patch("/supplier-sites/{site_id}", response=SupplierSiteOut)
def update_site(request: HttpRequest, site_id: int, payload: SupplierSitePatch) -> Any:
    actor = actor_of(request)
    site = selectors.site_for(actor=actor, site_id=site_id, permission="suppliers.change")
    fields = payload.dict(exclude_unset=True)
    for key in ("name", "country"):
        if key in fields and fields[key] is None:
            raise Invalid(_("The site is not valid."), fields={key: _("Cannot be null.")})
    return services.site_update(actor=actor, site=site, **fields)


class SupplierRecordDeleted(Schema):
    deleted: bool


@router.delete("/supplier-sites/{site_id}", response=SupplierRecordDeleted)
def remove_site(request: HttpRequest, site_id: int) -> dict[str, bool]:
    actor = actor_of(request)
    site = selectors.site_for(actor=actor, site_id=site_id, permission="suppliers.change")
    services.site_remove(actor=actor, site=site)
    return {"deleted": True}


class SupplierContactIn(Schema):
    name: str = Field(..., max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    role: str = Field("", max_length=100)
    receives_reminders: bool = True


@router.post("/suppliers/{supplier_id}/contacts", response={201: SupplierContactOut})
def add_contact(request: HttpRequest, supplier_id: int, payload: SupplierContactIn) -> Status:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.change")
    return Status(201, services.contact_add(actor=actor, supplier=supplier, **payload.dict()))


@router.delete("/supplier-contacts/{contact_id}", response=SupplierRecordDeleted)
def remove_contact(request: HttpRequest, contact_id: int) -> dict[str, bool]:
    actor = actor_of(request)
    contact = selectors.contact_for(actor=actor, contact_id=contact_id, permission="suppliers.change")
    services.contact_remove(actor=actor, contact=contact)
    return {"deleted": True}


class SubSupplierIn(Schema):
    supplier: SupplierRef = Field(..., description="The sub-supplier: id or external id")


class SupplierRelationOut(Schema):
    buyer_id: int
    supplier_id: int


@router.post(
    "/suppliers/{supplier_id}/sub-suppliers",
    response={201: SupplierRelationOut},
    summary="Record that this supplier buys from another (a sub-supplier, one tier down)",
)
def add_sub_supplier(request: HttpRequest, supplier_id: int, payload: SubSupplierIn) -> Status:
    actor = actor_of(request)
    buyer = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.change")
    sub = supplier_ref(actor, payload.supplier, "supplier")
    if sub is None:  # the schema refuses an empty reference; kept for the type checker
        raise Invalid(_("Unknown supplier."), fields={"supplier": _("Required.")})
    return Status(201, services.relation_add(actor=actor, buyer=buyer, supplier=sub))


@router.delete("/suppliers/{supplier_id}/sub-suppliers/{sub_id}", response=SupplierRecordDeleted)
def remove_sub_supplier(request: HttpRequest, supplier_id: int, sub_id: int) -> dict[str, bool]:
    actor = actor_of(request)
    buyer = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.change")
    services.relation_remove(
        actor=actor, relation=selectors.relation_get(actor=actor, buyer=buyer, supplier_id=sub_id)
    )
    return {"deleted": True}
