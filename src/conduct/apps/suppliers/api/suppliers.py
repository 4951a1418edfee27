"""Suppliers: the list (filters, sorting, export), add and change one, onboarding, risk, graph, screening."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.suppliers import (
    exporting,
    screening_port,
    selectors,
    services,
)
from conduct.apps.suppliers.api import router
from conduct.apps.suppliers.api._common import (
    Band,
    Category,
    CertStatus,
    Format,
    Sort,
    Status_,
    SupplierContactOut,
    SupplierSiteOut,
    internal,
    portal_org_ref,
    supplier_ref,
)
from conduct.apps.suppliers.models import (
    Supplier,
)


class SupplierOut(Schema):
    id: int
    external_id: str | None
    name: str
    country: str
    region: str
    categories: list[str]
    tier: int
    status: str
    org_unit: str
    risk_score: int | None
    risk_band: str
    designated_region: str
    updated_at: datetime

    @staticmethod
    def resolve_categories(obj: Supplier) -> list[str]:
        return obj.category_list

    @staticmethod
    def resolve_org_unit(obj: Supplier) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_risk_score(obj: Supplier, context: Any) -> int | None:
        return obj.risk_score if internal(context["request"].auth) else None

    @staticmethod
    def resolve_risk_band(obj: Supplier, context: Any) -> str:
        return obj.risk_band if internal(context["request"].auth) else ""


class SupplierDetailOut(SupplierOut):
    aliases: list[str]
    registration_id: str
    other_registration_ids: list[str]
    address: str
    parent_company: dict[str, Any] | None
    portal_org: str | None
    onboarding: dict[str, Any] | None
    sites: list[SupplierSiteOut]
    contacts: list[SupplierContactOut]

    @staticmethod
    def resolve_parent_company(obj: Supplier) -> dict[str, Any] | None:
        parent = obj.parent_company
        return {"id": parent.pk, "external_id": parent.external_id, "name": parent.name} if parent else None

    @staticmethod
    def resolve_portal_org(obj: Supplier) -> str | None:
        return obj.portal_org.name if obj.portal_org else None

    @staticmethod
    def resolve_onboarding(obj: Supplier, context: Any) -> dict[str, Any] | None:
        decision = obj.onboarding_decision
        if decision is None or not internal(context["request"].auth):
            return None
        return {
            "decision": decision.pk,
            "outcome": decision.outcome,
            "effective_outcome": decision.effective_outcome,
            "at": decision.created_at.isoformat(),
            "rules": [r.get("rule") for r in decision.reasons],
        }

    @staticmethod
    def resolve_sites(obj: Supplier) -> list[Any]:
        return list(obj.sites.all())

    @staticmethod
    def resolve_contacts(obj: Supplier) -> list[Any]:
        return list(obj.contacts.all())


class SupplierQuery(Schema):
    q: str | None = Field(
        None, max_length=100, description="Name contains, or exact external/registration id"
    )
    risk_band: Band | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    category: Category | None = None  # type: ignore[valid-type]
    certificate_status: CertStatus | None = None
    tier: int | None = Field(None, ge=1, le=50)
    status: Status_ | None = None
    org_unit: str | None = Field(None, max_length=64, description="Org unit code or id")
    overdue_actions: bool = False
    sort: Sort = "name"


def _supplier_filters(query: SupplierQuery) -> selectors.SupplierFilters:
    return selectors.SupplierFilters(
        q=query.q,
        risk_band=query.risk_band,
        country=query.country,
        category=query.category,
        certificate_status=query.certificate_status,
        tier=query.tier,
        status=query.status,
        overdue_actions=query.overdue_actions,
    )


class SupplierIn(Schema):
    name: str = Field(..., max_length=300)
    country: str = Field(..., min_length=2, max_length=2)
    org_unit: DbId | str | None = Field(
        None, description="Owning org unit (code or id); default: your home unit"
    )
    categories: list[Category] = Field(default_factory=list, max_length=12)  # type: ignore[valid-type]
    external_id: str | None = Field(None, max_length=100)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    registration_id: str = Field("", max_length=100)
    other_registration_ids: list[str] = Field(default_factory=list, max_length=20)
    region: str = Field("", max_length=200)
    address: str = Field("", max_length=2000)
    parent_company: DbId | str | None = Field(None, description="Parent company: supplier id or external id")
    portal_org: str | None = Field(
        None, max_length=300, description="Name of the supplier's portal organisation"
    )


class SupplierPatch(Schema):
    name: str | None = Field(None, max_length=300)
    country: str | None = Field(None, min_length=2, max_length=2)
    org_unit: DbId | str | None = None
    categories: list[Category] | None = Field(None, max_length=12)  # type: ignore[valid-type]
    aliases: list[str] | None = Field(None, max_length=50)
    registration_id: str | None = Field(None, max_length=100)
    other_registration_ids: list[str] | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    parent_company: DbId | str | None = None
    portal_org: str | None = Field(None, max_length=300)
    status: Status_ | None = None


@router.get("/suppliers", response=list[SupplierOut], summary="Suppliers, filtered and sorted")
@paginate(Page)
def list_suppliers(request: HttpRequest, filters: Query[SupplierQuery]) -> object:
    return selectors.supplier_index(
        actor=actor_of(request),
        filters=_supplier_filters(filters),
        sort=filters.sort,
        org_unit_ref=filters.org_unit,
    )


@router.post("/suppliers", response={201: SupplierDetailOut}, summary="Add a supplier (a prospect)")
def create_supplier(request: HttpRequest, payload: SupplierIn) -> Status:
    actor = actor_of(request)
    unit = (
        selectors.unit_ref(actor=actor, ref=payload.org_unit, permission="suppliers.change")
        or actor.home_unit
    )
    if unit is None:
        raise Invalid(_("Choose the owning org unit."), fields={"org_unit": _("Required.")})
    supplier = services.supplier_create(
        actor=actor,
        name=payload.name,
        country=payload.country,
        org_unit=unit,
        categories=list(payload.categories),
        external_id=payload.external_id,
        aliases=payload.aliases,
        registration_id=payload.registration_id,
        other_registration_ids=payload.other_registration_ids,
        region=payload.region,
        address=payload.address,
        parent_company=supplier_ref(actor, payload.parent_company, "parent_company"),
        portal_org=portal_org_ref(payload.portal_org),
    )
    return Status(201, selectors.supplier_get(actor=actor, supplier_id=supplier.pk))


class SupplierExportQuery(SupplierQuery):
    format: Format = "csv"


@router.get(
    "/suppliers/export",
    summary="The supplier list as CSV or XLSX, with the same filters as the list",
    response={200: None},
)
def export_suppliers(request: HttpRequest, filters: Query[SupplierExportQuery]) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.supplier_index(
        actor=actor, filters=_supplier_filters(filters), sort=filters.sort, org_unit_ref=filters.org_unit
    )
    columns = exporting.PORTAL_SUPPLIER_COLUMNS if actor.is_portal else exporting.SUPPLIER_COLUMNS
    return exporting.export_response("suppliers", columns, rows.iterator(chunk_size=2000), filters.format)


@router.get("/suppliers/{supplier_id}", response=SupplierDetailOut)
def get_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    return selectors.supplier_for(actor=actor_of(request), supplier_id=supplier_id)


@router.patch("/suppliers/{supplier_id}", response=SupplierDetailOut)
def update_supplier(request: HttpRequest, supplier_id: int, payload: SupplierPatch) -> Supplier:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.change")
    fields = payload.dict(exclude_unset=True)
    if "org_unit" in fields:
        unit = selectors.unit_ref(actor=actor, ref=fields["org_unit"], permission="suppliers.change")
        fields["org_unit"] = unit or supplier.org_unit
    if "parent_company" in fields:
        fields["parent_company"] = supplier_ref(actor, fields["parent_company"], "parent_company")
    if "portal_org" in fields:
        fields["portal_org"] = portal_org_ref(fields["portal_org"])
    for key in ("name", "country", "status"):
        if key in fields and fields[key] is None:
            raise Invalid(_("The supplier is not valid."), fields={key: _("Cannot be null.")})
    services.supplier_update(actor=actor, supplier=supplier, **fields)
    return selectors.supplier_get(actor=actor, supplier_id=supplier.pk)


@router.post(
    "/suppliers/{supplier_id}/onboard",
    response=SupplierDetailOut,
    summary=(
        "Run the supplier_onboarding gate on the supplier's records; its decision is kept on the supplier"
    ),
)
def onboard_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.onboard")
    key = request.headers.get("Idempotency-Key")
    services.supplier_onboard(actor=actor, supplier=supplier, idempotency_key=key)
    return selectors.supplier_get(actor=actor, supplier_id=supplier.pk)


class SupplierRiskDriverOut(Schema):
    name: str
    value: Any
    points: int
    detail: str
    source: dict[str, Any] | None = None


class SupplierRiskOut(Schema):
    supplier_id: int
    score: int
    band: str
    computed_at: datetime
    drivers: list[SupplierRiskDriverOut]
    facts: dict[str, Any]
    propagating_points: int


@router.get("/suppliers/{supplier_id}/risk", response=SupplierRiskOut, summary="Risk score with its drivers")
def get_risk(request: HttpRequest, supplier_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.view")
    view = selectors.risk_explained(actor=actor, supplier=supplier)
    if view is None:
        raise NotFound(_("No risk score yet for this supplier."))
    return view


class SupplierGraphOut(Schema):
    supplier_id: int
    nodes: list[dict[str, Any]]
    edges: list[list[int]]
    buyers: list[dict[str, Any]]
    total_below: int
    truncated: bool
    hidden: int


@router.get(
    "/suppliers/{supplier_id}/graph",
    response=SupplierGraphOut,
    summary="Sub-suppliers below, and direct buyers",
)
def get_graph(request: HttpRequest, supplier_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.view")
    tree = selectors.supplier_tree(actor=actor, supplier=supplier)
    return {
        "supplier_id": supplier.pk,
        "nodes": [vars(n) for n in tree["nodes"]],
        "edges": [list(e) for e in tree["edges"]],
        "buyers": [{"id": b.pk, "name": b.name} for b in tree["buyers"]],
        "total_below": tree["total_below"],
        "truncated": tree["truncated"],
        "hidden": tree["hidden"],
    }


class SupplierScreeningOut(Schema):
    available: bool
    confirmed: list[str]
    open_alerts: int
    results: list[dict[str, Any]]


@router.get(
    "/suppliers/{supplier_id}/screening",
    response=SupplierScreeningOut,
    summary="Screening results (when installed)",
)
def get_screening(request: HttpRequest, supplier_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="suppliers.view")
    found = screening_port.screening_for([supplier.pk])
    if found is None:
        return {"available": False, "confirmed": [], "open_alerts": 0, "results": []}
    result = found.get(supplier.pk, screening_port.SupplierScreening())
    return {
        "available": True,
        "confirmed": sorted(result.confirmed),
        "open_alerts": result.open_alerts,
        "results": list(result.results),
    }
