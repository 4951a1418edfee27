"""JSON API for suppliers: suppliers, sites, contacts, tier relations, onboarding, risk, certificates, audits,
findings, corrective actions, questionnaires, import and export (/api/v1/...).

Portal users of a supplier read and work their own records here too (their certificates, corrective actions and
questionnaires); internal-only fields (risk, screening) answer 403 to them.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, User
from conduct.apps.accounts.scoping import require
from conduct.apps.accounts.selectors import orgunit_get
from conduct.apps.apikit import Page, actor_of, decode_base64, json_object_body
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.suppliers import exporting, questionnaire, screening_port, selectors, services
from conduct.apps.suppliers.models import (
    Certificate,
    CorrectiveAction,
    QuestionnaireResponse,
    Supplier,
    SupplierAudit,
)
from conduct.apps.suppliers.permissions import read_permission
from conduct.apps.suppliers.reference import CATEGORIES

router = Router(tags=["suppliers"])

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Band = Literal["low", "medium", "high", "critical"]
Status_ = Literal["prospect", "onboarding", "active", "suspended", "exited"]
CertStatus = Literal["valid", "expiring", "expired", "withdrawn", "none"]
Sort = Literal[
    "name",
    "-name",
    "risk",
    "-risk",
    "country",
    "-country",
    "tier",
    "-tier",
    "status",
    "-status",
    "updated",
    "-updated",
]
Format = Literal["csv", "xlsx"]


def _internal(actor: User) -> bool:
    return not actor.is_portal


def _read(request: HttpRequest) -> User:
    actor = actor_of(request)
    require(actor, read_permission(actor))
    return actor


def _unit(actor: User, ref: str | int | None, field: str = "org_unit") -> OrgUnit | None:
    if ref in (None, ""):
        return None
    try:
        return orgunit_get(actor=actor, unit_id=ref)  # type: ignore[arg-type]
    except NotFound:
        raise Invalid("Unknown org unit.", fields={field: f"No org unit {ref!r} that you can see."}) from None


def _supplier_ref(actor: User, ref: int | str | None, field: str) -> Supplier | None:
    if ref in (None, ""):
        return None
    found = (
        selectors.supplier_list(actor=actor)
        .filter(**({"pk": ref} if isinstance(ref, int) else {"external_id": ref}))
        .first()
    )
    if found is None:
        raise Invalid("Unknown supplier.", fields={field: f"No supplier {ref!r} that you can see."})
    return found


def _portal_org(name: str | None) -> PortalOrganisation | None:
    if not name:
        return None
    org = PortalOrganisation.objects.filter(kind=PortalOrganisation.Kind.SUPPLIER, name=name).first()
    if org is None:
        raise Invalid(
            "Unknown portal organisation.", fields={"portal_org": f"No supplier organisation {name!r}."}
        )
    return org


# --- schemas --------------------------------------------------------------------------------------


class SupplierSiteOut(Schema):
    id: int
    name: str
    country: str
    region: str
    address: str
    headcount: int | None
    designated_region: str


class SupplierContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    role: str
    receives_reminders: bool


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
        return obj.risk_score if _internal(context["request"].auth) else None

    @staticmethod
    def resolve_risk_band(obj: Supplier, context: Any) -> str:
        return obj.risk_band if _internal(context["request"].auth) else ""


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
        if decision is None or not _internal(context["request"].auth):
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


def _supplier_filters(actor: User, query: SupplierQuery) -> selectors.SupplierFilters:
    unit = _unit(actor, query.org_unit)
    return selectors.SupplierFilters(
        q=query.q,
        risk_band=query.risk_band,
        country=query.country,
        category=query.category,
        certificate_status=query.certificate_status,
        tier=query.tier,
        status=query.status,
        org_unit=unit.pk if unit else None,
        overdue_actions=query.overdue_actions,
    )


class SupplierIn(Schema):
    name: str = Field(..., max_length=300)
    country: str = Field(..., min_length=2, max_length=2)
    org_unit: str | int | None = Field(
        None, description="Owning org unit (code or id); default: your home unit"
    )
    categories: list[Category] = Field(default_factory=list, max_length=12)  # type: ignore[valid-type]
    external_id: str | None = Field(None, max_length=100)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    registration_id: str = Field("", max_length=100)
    other_registration_ids: list[str] = Field(default_factory=list, max_length=20)
    region: str = Field("", max_length=200)
    address: str = Field("", max_length=2000)
    parent_company: int | str | None = Field(None, description="Parent company: supplier id or external id")
    portal_org: str | None = Field(
        None, max_length=300, description="Name of the supplier's portal organisation"
    )


class SupplierPatch(Schema):
    name: str | None = Field(None, max_length=300)
    country: str | None = Field(None, min_length=2, max_length=2)
    org_unit: str | int | None = None
    categories: list[Category] | None = Field(None, max_length=12)  # type: ignore[valid-type]
    aliases: list[str] | None = Field(None, max_length=50)
    registration_id: str | None = Field(None, max_length=100)
    other_registration_ids: list[str] | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    parent_company: int | str | None = None
    portal_org: str | None = Field(None, max_length=300)
    status: Status_ | None = None


# --- suppliers ------------------------------------------------------------------------------------


@router.get("/suppliers", response=list[SupplierOut], summary="Suppliers, filtered and sorted")
@paginate(Page)
def list_suppliers(request: HttpRequest, filters: Query[SupplierQuery]) -> object:
    actor = _read(request)
    return selectors.supplier_list(actor=actor, filters=_supplier_filters(actor, filters), sort=filters.sort)


@router.post("/suppliers", response={201: SupplierDetailOut}, summary="Add a supplier (a prospect)")
def create_supplier(request: HttpRequest, payload: SupplierIn) -> Status:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    unit = _unit(actor, payload.org_unit) or actor.home_unit
    if unit is None:
        raise Invalid("Choose the owning org unit.", fields={"org_unit": "Required."})
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
        parent_company=_supplier_ref(actor, payload.parent_company, "parent_company"),
        portal_org=_portal_org(payload.portal_org),
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
    actor = _read(request)
    rows = selectors.supplier_list(actor=actor, filters=_supplier_filters(actor, filters), sort=filters.sort)
    columns = exporting.PORTAL_SUPPLIER_COLUMNS if actor.is_portal else exporting.SUPPLIER_COLUMNS
    return exporting.export_response("suppliers", columns, rows.iterator(chunk_size=2000), filters.format)


class SupplierImportOut(Schema):
    ok: bool
    committed: bool
    files: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    problem_count: int
    problems: list[dict[str, Any]]
    truncated: bool
    seconds: float


def _uploads(request: HttpRequest) -> list[services.ImportSource]:
    """Files to import: multipart `file` parts, a text/csv body, or JSON {"files": [{"name", "content" (text) or
    "content_base64"}]}."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        return [
            services.ImportSource(name=f.name or "upload", content=f.read())
            for f in request.FILES.getlist("file")
        ]
    if content_type == "text/csv":
        return [services.ImportSource(name="upload.csv", content=request.body)] if request.body else []
    items = json_object_body(request).get("files")
    if not isinstance(items, list):
        raise Invalid("`files` must be a list.", fields={"files": "Expected a list of {name, content}."})
    sources = []
    for index, item in enumerate(items):
        where = f"files[{index}]"
        if not isinstance(item, dict):
            raise Invalid("Each file is an object.", fields={where: "Expected {name, content}."})
        name = item.get("name") or f"upload-{index + 1}"
        if not isinstance(name, str):
            raise Invalid("A file name is text.", fields={f"{where}.name": "Expected a string."})
        if isinstance(item.get("content"), str):
            data = item["content"].encode("utf-8")
        else:
            data = decode_base64(item.get("content_base64"), f"{where}.content_base64")
        sources.append(services.ImportSource(name=name[:200], content=data))
    return sources


@router.post(
    "/suppliers/import",
    response=SupplierImportOut,
    summary="Check (preview) or import (commit=true) CSV/XLSX files of suppliers, sites, certificates, relations",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "array", "items": {"type": "string", "format": "binary"}}
                        },
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                        "content": {"type": "string"},
                                        "content_base64": {"type": "string"},
                                    },
                                },
                            }
                        },
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
def import_suppliers(
    request: HttpRequest, commit: bool = False, org_unit: str | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, "suppliers.import")
    unit = _unit(actor, org_unit)
    report = services.supplier_import(actor=actor, sources=_uploads(request), commit=commit, unit=unit)
    if report.committed:
        from conduct.apps.suppliers.tasks import after_import

        after_import(report)
    return report.to_dict(problem_limit=5000)


class RiskRecomputeQueued(Schema):
    queued: bool
    task: str


@router.post(
    "/suppliers/risk/recompute",
    response={202: RiskRecomputeQueued},
    summary="Rescore every supplier (queued)",
)
def recompute_risk(request: HttpRequest) -> Status:
    actor = actor_of(request)
    require(actor, "suppliers.risk")
    from conduct.apps.suppliers.tasks import risk_recompute

    result = risk_recompute.enqueue()
    return Status(202, {"queued": True, "task": str(result.id)})


@router.get("/suppliers/{supplier_id}", response=SupplierDetailOut)
def get_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    return selectors.supplier_get(actor=_read(request), supplier_id=supplier_id)


@router.patch("/suppliers/{supplier_id}", response=SupplierDetailOut)
def update_supplier(request: HttpRequest, supplier_id: int, payload: SupplierPatch) -> Supplier:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    fields = payload.dict(exclude_unset=True)
    if "org_unit" in fields:
        fields["org_unit"] = _unit(actor, fields["org_unit"]) or supplier.org_unit
    if "parent_company" in fields:
        fields["parent_company"] = _supplier_ref(actor, fields["parent_company"], "parent_company")
    if "portal_org" in fields:
        fields["portal_org"] = _portal_org(fields["portal_org"])
    for key in ("name", "country", "status"):
        if key in fields and fields[key] is None:
            raise Invalid("The supplier is not valid.", fields={key: "Cannot be null."})
    services.supplier_update(actor=actor, supplier=supplier, **fields)
    return selectors.supplier_get(actor=actor, supplier_id=supplier.pk)


@router.post(
    "/suppliers/{supplier_id}/onboard",
    response=SupplierDetailOut,
    summary="Run the supplier_onboarding gate on the supplier's records; its decision is kept on the supplier",
)
def onboard_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    actor = actor_of(request)
    require(actor, "suppliers.onboard")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
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
    require(actor, "suppliers.view")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    view = selectors.risk_explained(actor=actor, supplier=supplier)
    if view is None:
        raise NotFound("No risk score yet for this supplier.")
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
    require(actor, "suppliers.view")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
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
    require(actor, "suppliers.view")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
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


# --- sites, contacts, sub-suppliers ---------------------------------------------------------------


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
    require(actor, "suppliers.change")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    return Status(201, services.site_add(actor=actor, supplier=supplier, **payload.dict()))


@router.patch("/supplier-sites/{site_id}", response=SupplierSiteOut)
def update_site(request: HttpRequest, site_id: int, payload: SupplierSitePatch) -> Any:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    site = selectors.site_get(actor=actor, site_id=site_id)
    fields = payload.dict(exclude_unset=True)
    for key in ("name", "country"):
        if key in fields and fields[key] is None:
            raise Invalid("The site is not valid.", fields={key: "Cannot be null."})
    return services.site_update(actor=actor, site=site, **fields)


class SupplierRecordDeleted(Schema):
    deleted: bool


@router.delete("/supplier-sites/{site_id}", response=SupplierRecordDeleted)
def remove_site(request: HttpRequest, site_id: int) -> dict[str, bool]:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    services.site_remove(actor=actor, site=selectors.site_get(actor=actor, site_id=site_id))
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
    require(actor, "suppliers.change")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    return Status(201, services.contact_add(actor=actor, supplier=supplier, **payload.dict()))


@router.delete("/supplier-contacts/{contact_id}", response=SupplierRecordDeleted)
def remove_contact(request: HttpRequest, contact_id: int) -> dict[str, bool]:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    services.contact_remove(actor=actor, contact=selectors.contact_get(actor=actor, contact_id=contact_id))
    return {"deleted": True}


class SubSupplierIn(Schema):
    supplier: int | str = Field(..., description="The sub-supplier: id or external id")


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
    require(actor, "suppliers.change")
    buyer = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    sub = _supplier_ref(actor, payload.supplier, "supplier")
    assert sub is not None
    return Status(201, services.relation_add(actor=actor, buyer=buyer, supplier=sub))


@router.delete("/suppliers/{supplier_id}/sub-suppliers/{sub_id}", response=SupplierRecordDeleted)
def remove_sub_supplier(request: HttpRequest, supplier_id: int, sub_id: int) -> dict[str, bool]:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    buyer = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    services.relation_remove(
        actor=actor, relation=selectors.relation_get(actor=actor, buyer=buyer, supplier_id=sub_id)
    )
    return {"deleted": True}


# --- certificates ---------------------------------------------------------------------------------


class SupplierCertificateOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    standard: str
    number: str
    issuer: str
    accreditation_body: str
    scope: str
    sites: list[int]
    valid_from: date | None
    valid_until: date
    status: str
    has_file: bool
    file_name: str
    file_type: str
    file_size: int | None
    file_sha256: str
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @staticmethod
    def resolve_supplier(obj: Certificate) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_sites(obj: Certificate) -> list[int]:
        return [s.pk for s in obj.sites.all()]

    @staticmethod
    def resolve_has_file(obj: Certificate) -> bool:
        return bool(obj.file)


class SupplierCertificateIn(Schema):
    standard: str = Field(
        ..., max_length=60, description='"SA8000", "ISO 45001", "ISO 14001" or another standard'
    )
    number: str = Field(..., max_length=100)
    valid_until: str = Field(..., max_length=40, description="YYYY-MM-DD")
    valid_from: str | None = Field(None, max_length=40)
    issuer: str = Field("", max_length=200)
    accreditation_body: str = Field("", max_length=200)
    scope: str = Field("", max_length=5000)
    sites: list[int] = Field(default_factory=list, max_length=500)


class SupplierCertificatePatch(Schema):
    standard: str | None = Field(None, max_length=60)
    number: str | None = Field(None, max_length=100)
    valid_until: str | None = Field(None, max_length=40)
    valid_from: str | None = Field(None, max_length=40)
    issuer: str | None = Field(None, max_length=200)
    accreditation_body: str | None = Field(None, max_length=200)
    scope: str | None = Field(None, max_length=5000)
    sites: list[int] | None = Field(None, max_length=500)


class SupplierCertificateQuery(Schema):
    supplier: int | None = None
    standard: str | None = Field(None, max_length=60)
    status: Literal["valid", "expiring", "expired", "withdrawn", "not_yet_valid"] | None = None
    org_unit: str | None = Field(None, max_length=64)
    expires_before: date | None = None


def _cert_filters(actor: User, query: SupplierCertificateQuery) -> selectors.CertificateFilters:
    unit = _unit(actor, query.org_unit)
    return selectors.CertificateFilters(
        supplier=query.supplier,
        standard=query.standard,
        status=query.status,
        org_unit=unit.pk if unit else None,
        expires_before=query.expires_before,
    )


@router.get("/certificates", response=list[SupplierCertificateOut], tags=["certificates"])
@paginate(Page)
def list_certificates(request: HttpRequest, filters: Query[SupplierCertificateQuery]) -> object:
    actor = _read(request)
    return selectors.certificate_list(actor=actor, filters=_cert_filters(actor, filters)).prefetch_related(
        "sites"
    )


class SupplierCertificateExportQuery(SupplierCertificateQuery):
    format: Format = "csv"


@router.get(
    "/certificates/export",
    tags=["certificates"],
    response={200: None},
    summary="The certificate list as CSV or XLSX, with the list's filters",
)
def export_certificates(request: HttpRequest, filters: Query[SupplierCertificateExportQuery]) -> HttpResponse:
    actor = _read(request)
    rows = selectors.certificate_list(actor=actor, filters=_cert_filters(actor, filters))
    return exporting.export_response(
        "certificates", exporting.CERTIFICATE_COLUMNS, rows.iterator(chunk_size=2000), filters.format
    )


@router.post(
    "/suppliers/{supplier_id}/certificates", response={201: SupplierCertificateOut}, tags=["certificates"]
)
def create_certificate(request: HttpRequest, supplier_id: int, payload: SupplierCertificateIn) -> Status:
    actor = actor_of(request)
    require(actor, "certificates.upload")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    data = payload.dict()
    sites = data.pop("sites")
    return Status(201, services.certificate_create(actor=actor, supplier=supplier, site_ids=sites, **data))


@router.get("/certificates/{certificate_id}", response=SupplierCertificateOut, tags=["certificates"])
def get_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return selectors.certificate_get(actor=_read(request), certificate_id=certificate_id)


@router.patch("/certificates/{certificate_id}", response=SupplierCertificateOut, tags=["certificates"])
def update_certificate(
    request: HttpRequest, certificate_id: int, payload: SupplierCertificatePatch
) -> Certificate:
    actor = actor_of(request)
    require(actor, "certificates.upload")
    cert = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    fields = payload.dict(exclude_unset=True)
    sites = fields.pop("sites", None)
    return services.certificate_update(actor=actor, certificate=cert, site_ids=sites, **fields)


class CertificateWithdrawIn(Schema):
    reason: str = Field(..., max_length=2000)


@router.post(
    "/certificates/{certificate_id}/withdraw", response=SupplierCertificateOut, tags=["certificates"]
)
def withdraw_certificate(
    request: HttpRequest, certificate_id: int, payload: CertificateWithdrawIn
) -> Certificate:
    actor = actor_of(request)
    require(actor, "suppliers.change")
    cert = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    return services.certificate_withdraw(actor=actor, certificate=cert, reason=payload.reason)


_ONE_FILE = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"filename": {"type": "string"}, "content_base64": {"type": "string"}},
                }
            },
        }
    }
}


def _one_file(request: HttpRequest) -> services.ImportSource:
    """One file: multipart `file`, or JSON {"filename", "content_base64"}."""
    if (request.content_type or "").startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid("Attach the file.", fields={"file": "Send a PDF, PNG or JPEG as multipart `file`."})
        return services.ImportSource(name=upload.name or "upload", content=upload.read())
    body = json_object_body(request)
    name = body.get("filename") or "upload"
    if not isinstance(name, str):
        raise Invalid("The file name is text.", fields={"filename": "Expected a string."})
    if body.get("content_base64") is None:
        raise Invalid(
            "Attach the file.", fields={"content_base64": "Send the file as base64 (or multipart `file`)."}
        )
    return services.ImportSource(
        name=name[:200], content=decode_base64(body["content_base64"], "content_base64")
    )


@router.post(
    "/certificates/{certificate_id}/file",
    response=SupplierCertificateOut,
    tags=["certificates"],
    summary="Attach the certificate file (PDF, PNG or JPEG; checked by content)",
    openapi_extra=_ONE_FILE,
)
def upload_certificate_file(request: HttpRequest, certificate_id: int) -> Certificate:
    actor = actor_of(request)
    require(actor, "certificates.upload")
    cert = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    upload = _one_file(request)
    return services.certificate_attach_file(
        actor=actor, certificate=cert, content=upload.content or b"", filename=upload.name
    )


@router.get(
    "/certificates/{certificate_id}/file",
    tags=["certificates"],
    response={200: None},
    summary="Download the certificate file",
)
def download_certificate_file(request: HttpRequest, certificate_id: int) -> FileResponse:
    cert = selectors.certificate_get(actor=_read(request), certificate_id=certificate_id)
    return certificate_file_response(cert)


def certificate_file_response(cert: Certificate) -> FileResponse:
    if not cert.file:
        raise NotFound("This certificate has no file attached.")
    return FileResponse(
        cert.file.open("rb"),
        content_type=cert.file_type,
        as_attachment=True,
        filename=cert.file_name or cert.file.name.rsplit("/", 1)[-1],
    )


# --- audits, findings, corrective actions ---------------------------------------------------------


class AuditFindingOut(Schema):
    id: int
    audit_id: int
    severity: str
    requirement: str
    description: str
    is_open: bool
    action_id: int | None

    @staticmethod
    def resolve_action_id(obj: Any) -> int | None:
        plan = getattr(obj, "action", None)  # the reverse one-to-one raises AttributeError when absent
        return plan.pk if plan is not None else None


class SupplierAuditOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    kind: str
    date: date
    auditor: str
    scope: str
    site_id: int | None

    @staticmethod
    def resolve_supplier(obj: SupplierAudit) -> str:
        return obj.supplier.name


class SupplierAuditDetailOut(SupplierAuditOut):
    findings: list[AuditFindingOut]

    @staticmethod
    def resolve_findings(obj: SupplierAudit) -> list[Any]:
        return list(obj.findings.select_related("action").all())


class SupplierAuditIn(Schema):
    kind: Literal["social", "environmental", "security"]
    date: str = Field(..., max_length=40, description="YYYY-MM-DD")
    auditor: str = Field(..., max_length=200)
    scope: str = Field("", max_length=5000)
    site: int | None = None


@router.get("/audits", response=list[SupplierAuditOut], tags=["audits"])
@paginate(Page)
def list_audits(
    request: HttpRequest,
    supplier: int | None = None,
    kind: Literal["social", "environmental", "security"] | None = None,
) -> object:
    return selectors.audit_list(actor=_read(request), supplier=supplier, kind=kind)


@router.get("/audits/export", tags=["audits"], response={200: None}, summary="Audits as CSV or XLSX")
def export_audits(
    request: HttpRequest,
    supplier: int | None = None,
    kind: Literal["social", "environmental", "security"] | None = None,
    format: Format = "csv",
) -> HttpResponse:
    rows = selectors.audit_list(actor=_read(request), supplier=supplier, kind=kind)
    return exporting.export_response("audits", exporting.AUDIT_COLUMNS, rows, format)


@router.post("/suppliers/{supplier_id}/audits", response={201: SupplierAuditDetailOut}, tags=["audits"])
def create_audit(request: HttpRequest, supplier_id: int, payload: SupplierAuditIn) -> Status:
    actor = actor_of(request)
    require(actor, "audits.record")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    site = supplier.sites.filter(pk=payload.site).first() if payload.site else None
    if payload.site and site is None:
        raise Invalid("Unknown site.", fields={"site": f"Not a site of {supplier.name}."})
    audit = services.audit_create(
        actor=actor,
        supplier=supplier,
        kind=payload.kind,
        date=payload.date,
        auditor=payload.auditor,
        scope=payload.scope,
        site=site,
    )
    return Status(201, audit)


@router.get("/audits/{audit_id}", response=SupplierAuditDetailOut, tags=["audits"])
def get_audit(request: HttpRequest, audit_id: int) -> SupplierAudit:
    return selectors.audit_get(actor=_read(request), audit_id=audit_id)


class AuditFindingIn(Schema):
    severity: Literal["critical", "major", "minor"]
    requirement: str = Field(
        ..., max_length=200, description="The requirement cited (a URN from the library, or text)"
    )
    description: str = Field(..., max_length=10000)


@router.post("/audits/{audit_id}/findings", response={201: AuditFindingOut}, tags=["audits"])
def add_finding(request: HttpRequest, audit_id: int, payload: AuditFindingIn) -> Status:
    actor = actor_of(request)
    require(actor, "audits.record")
    audit = selectors.audit_get(actor=actor, audit_id=audit_id)
    return Status(201, services.finding_add(actor=actor, audit=audit, **payload.dict()))


class CorrectiveActionOut(Schema):
    id: int
    finding_id: int
    supplier_id: int
    supplier: str
    org_unit: str
    severity: str
    requirement: str
    root_cause: str
    action: str
    owner: str
    due_date: date
    status: str
    overdue: bool
    evidence: str
    has_evidence_file: bool
    verified_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_supplier(obj: CorrectiveAction) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_org_unit(obj: CorrectiveAction) -> str:
        return obj.supplier.org_unit.code

    @staticmethod
    def resolve_severity(obj: CorrectiveAction) -> str:
        return obj.finding.severity

    @staticmethod
    def resolve_requirement(obj: CorrectiveAction) -> str:
        return obj.finding.requirement

    @staticmethod
    def resolve_overdue(obj: CorrectiveAction) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_has_evidence_file(obj: CorrectiveAction) -> bool:
        return bool(obj.evidence_file)


class CorrectiveActionIn(Schema):
    action: str = Field(..., max_length=10000)
    owner: str = Field(..., max_length=200)
    due_date: str = Field(..., max_length=40, description="YYYY-MM-DD")
    root_cause: str = Field("", max_length=10000)


class CorrectiveActionPatch(Schema):
    root_cause: str | None = Field(None, max_length=10000)
    action: str | None = Field(None, max_length=10000)
    evidence: str | None = Field(None, max_length=10000)
    owner: str | None = Field(None, max_length=200)
    due_date: str | None = Field(None, max_length=40)
    status: Literal["open", "in_progress", "verified", "closed"] | None = None


class CorrectiveActionQuery(Schema):
    supplier: int | None = None
    org_unit: str | None = Field(None, max_length=64)
    status: Literal["open", "in_progress", "verified", "closed"] | None = None
    severity: Literal["critical", "major", "minor"] | None = None
    overdue: bool = False


def _action_filters(actor: User, query: CorrectiveActionQuery) -> selectors.ActionFilters:
    unit = _unit(actor, query.org_unit)
    return selectors.ActionFilters(
        supplier=query.supplier,
        org_unit=unit.pk if unit else None,
        status=query.status,
        overdue=query.overdue,
        severity=query.severity,
    )


@router.post(
    "/findings/{finding_id}/corrective-action",
    response={201: CorrectiveActionOut},
    tags=["audits"],
    summary="The corrective action plan for a finding (one per finding)",
)
def create_action(request: HttpRequest, finding_id: int, payload: CorrectiveActionIn) -> Status:
    actor = actor_of(request)
    require(actor, "audits.record")
    finding = selectors.finding_get(actor=actor, finding_id=finding_id)
    plan = services.action_create(actor=actor, finding=finding, **payload.dict())
    return Status(201, selectors.action_get(actor=actor, action_id=plan.pk))


@router.get("/corrective-actions", response=list[CorrectiveActionOut], tags=["audits"])
@paginate(Page)
def list_actions(request: HttpRequest, filters: Query[CorrectiveActionQuery]) -> object:
    actor = _read(request)
    return selectors.action_list(actor=actor, filters=_action_filters(actor, filters))


class CorrectiveActionExportQuery(CorrectiveActionQuery):
    format: Format = "csv"


@router.get(
    "/corrective-actions/export",
    tags=["audits"],
    response={200: None},
    summary="Corrective actions as CSV or XLSX, with the list's filters",
)
def export_actions(request: HttpRequest, filters: Query[CorrectiveActionExportQuery]) -> HttpResponse:
    actor = _read(request)
    rows = selectors.action_list(actor=actor, filters=_action_filters(actor, filters))
    return exporting.export_response("corrective-actions", exporting.ACTION_COLUMNS, rows, filters.format)


@router.get("/corrective-actions/{action_id}", response=CorrectiveActionOut, tags=["audits"])
def get_action(request: HttpRequest, action_id: int) -> CorrectiveAction:
    return selectors.action_get(actor=_read(request), action_id=action_id)


@router.patch(
    "/corrective-actions/{action_id}",
    response=CorrectiveActionOut,
    tags=["audits"],
    summary="Work the action (root cause, action, evidence, status); staff verify and close",
)
def update_action(request: HttpRequest, action_id: int, payload: CorrectiveActionPatch) -> CorrectiveAction:
    actor = actor_of(request)
    require(actor, "actions.work")
    plan = selectors.action_get(actor=actor, action_id=action_id)
    services.action_update(actor=actor, plan=plan, **payload.dict(exclude_unset=True))
    return selectors.action_get(actor=actor, action_id=plan.pk)


@router.post(
    "/corrective-actions/{action_id}/evidence",
    response=CorrectiveActionOut,
    tags=["audits"],
    summary="Attach an evidence file (PDF, PNG or JPEG)",
    openapi_extra=_ONE_FILE,
)
def upload_evidence(request: HttpRequest, action_id: int) -> CorrectiveAction:
    actor = actor_of(request)
    require(actor, "actions.work")
    plan = selectors.action_get(actor=actor, action_id=action_id)
    upload = _one_file(request)
    services.action_attach_evidence(
        actor=actor, plan=plan, content=upload.content or b"", filename=upload.name
    )
    return selectors.action_get(actor=actor, action_id=plan.pk)


# --- questionnaires -------------------------------------------------------------------------------


class QuestionnaireTemplateOut(Schema):
    key: str
    version: str
    title: str
    questions: int


@router.get("/questionnaires/templates", response=list[QuestionnaireTemplateOut], tags=["questionnaires"])
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    _read(request)
    return [
        {
            "key": t["key"],
            "version": t["version"],
            "title": t["title"],
            "questions": sum(len(s["questions"]) for s in t["sections"]),
        }
        for t in services.templates().values()
    ]


@router.get("/questionnaires/templates/{template_key}", response=dict[str, Any], tags=["questionnaires"])
def get_template(request: HttpRequest, template_key: str) -> dict[str, Any]:
    _read(request)
    return services.template_get(template_key)


class QuestionnaireResponseOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    template_key: str
    template_version: str
    title: str
    status: str
    score: float | None
    due_date: date | None
    sent_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_supplier(obj: QuestionnaireResponse) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_title(obj: QuestionnaireResponse) -> str:
        return obj.template_key if "template" in obj.get_deferred_fields() else obj.title


class QuestionnaireResponseDetailOut(QuestionnaireResponseOut):
    template: dict[str, Any]
    answers: dict[str, Any]
    section_scores: dict[str, float]
    flags: list[dict[str, Any]]
    review_comment: str
    question_comments: dict[str, str]


@router.get("/questionnaire-responses", response=list[QuestionnaireResponseOut], tags=["questionnaires"])
@paginate(Page)
def list_responses(
    request: HttpRequest,
    supplier: int | None = None,
    status: Literal["sent", "draft", "submitted", "returned", "accepted"] | None = None,
) -> object:
    return selectors.response_list(actor=_read(request), supplier=supplier, status=status)


@router.get(
    "/questionnaire-responses/export",
    tags=["questionnaires"],
    response={200: None},
    summary="Questionnaires as CSV or XLSX",
)
def export_responses(
    request: HttpRequest,
    supplier: int | None = None,
    status: Literal["sent", "draft", "submitted", "returned", "accepted"] | None = None,
    format: Format = "csv",
) -> HttpResponse:
    rows = selectors.response_list(actor=_read(request), supplier=supplier, status=status)
    return exporting.export_response("questionnaires", exporting.RESPONSE_COLUMNS, rows, format)


class QuestionnaireSendIn(Schema):
    template: str = Field("sa8000-iso-basics", max_length=80)
    due_date: str | None = Field(None, max_length=40)


@router.post(
    "/suppliers/{supplier_id}/questionnaires",
    response={201: QuestionnaireResponseDetailOut},
    tags=["questionnaires"],
    summary="Send a questionnaire for the supplier to answer in the portal",
)
def send_questionnaire(request: HttpRequest, supplier_id: int, payload: QuestionnaireSendIn) -> Status:
    actor = actor_of(request)
    require(actor, "questionnaires.send")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    response = services.questionnaire_send(
        actor=actor, supplier=supplier, template_key=payload.template, due_date=payload.due_date
    )
    return Status(201, response)


@router.get(
    "/questionnaire-responses/{response_id}", response=QuestionnaireResponseDetailOut, tags=["questionnaires"]
)
def get_response(request: HttpRequest, response_id: int) -> QuestionnaireResponse:
    return selectors.response_get(actor=_read(request), response_id=response_id)


class QuestionnaireAnswersIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description="question id -> answer (yes/no, option value, number, text, date)"
    )
    submit: bool = Field(
        False, description="Submit for review (every shown required question must be answered)"
    )


@router.patch(
    "/questionnaire-responses/{response_id}",
    response=QuestionnaireResponseDetailOut,
    tags=["questionnaires"],
    summary="Save answers (the supplier, through its portal login), and optionally submit them",
)
def answer_questionnaire(
    request: HttpRequest, response_id: int, payload: QuestionnaireAnswersIn
) -> QuestionnaireResponse:
    actor = _read(request)
    response = selectors.response_get(actor=actor, response_id=response_id)
    # Answers to questions that do not exist are malformed whoever sends them; only then is it whose turn it is.
    unknown = sorted(set(payload.answers) - {q["id"] for q in questionnaire.questions(response.template)})
    if unknown:
        raise Invalid(
            "Answers to questions that are not in the questionnaire.",
            fields={f"answers.{k}": "There is no such question in this questionnaire." for k in unknown},
        )
    require(actor, "questionnaires.answer")
    return services.questionnaire_save(
        actor=actor, response=response, answers=payload.answers, submit=payload.submit
    )


class QuestionnaireReviewIn(Schema):
    decision: Literal["accept", "return"]
    comment: str = Field("", max_length=10000)
    question_comments: dict[str, str] = Field(default_factory=dict)


@router.post(
    "/questionnaire-responses/{response_id}/review",
    response=QuestionnaireResponseDetailOut,
    tags=["questionnaires"],
    summary="Accept submitted answers, or return them to the supplier with comments",
)
def review_questionnaire(
    request: HttpRequest, response_id: int, payload: QuestionnaireReviewIn
) -> QuestionnaireResponse:
    actor = actor_of(request)
    require(actor, "questionnaires.review")
    response = selectors.response_get(actor=actor, response_id=response_id)
    return services.questionnaire_review(
        actor=actor,
        response=response,
        decision=payload.decision,
        comment=payload.comment,
        question_comments=payload.question_comments,
    )
