"""JSON API of the product register: products, releases, SBOM imports, vulnerability loads, findings,
VEX."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.products import selectors, services
from conduct.apps.products.models import Product, ProductType, Release, ReleaseStatus, VexState, VexStatement

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    model: str
    name: str
    type: str
    capabilities: list[str]
    business_unit: str = Field(..., alias="business_unit.code")


class ProductIn(Schema):
    model: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=200)
    type: str = Field(..., max_length=32, description=", ".join(ProductType.values))
    business_unit: str = Field(..., min_length=1, max_length=200, description="The business unit's code")
    capabilities: list[str] = Field(
        default_factory=list, max_length=50, description="Capability catalogue ids"
    )


class ProductImportIn(Schema):
    content: str = Field(
        ..., min_length=1, max_length=5_000_000, description="CSV: " + ",".join(services.IMPORT_COLUMNS)
    )


class ProductQuery(Schema):
    q: str = Field("", max_length=100, description="Model or name contains")
    type: str = Field("", max_length=32)


class SbomOut(Schema):
    format: str
    spec_version: str
    sha256: str
    filename: str
    component_count: int
    imported_at: Any


class ReleaseOut(Schema):
    id: int
    product: str = Field(..., alias="product.model")
    product_id: int
    version: str
    status: str
    released_on: date | None
    support_end: date | None
    sbom: SbomOut | None

    @staticmethod
    def resolve_sbom(obj: Release) -> Any:
        return getattr(obj, "sbom", None)


class ReleaseIn(Schema):
    version: str = Field(..., min_length=1, max_length=100)
    status: str = Field("draft", max_length=10, description=", ".join(ReleaseStatus.values))
    released_on: date | None = None
    support_end: date | None = Field(
        None, description="End of the published support (security update) period"
    )


class ReleaseChangeIn(Schema):
    status: str = Field(..., max_length=10, description=", ".join(ReleaseStatus.values))
    released_on: date | None = None
    support_end: date | None = None


class SbomIn(Schema):
    model: str = Field(..., min_length=1, max_length=100)
    version: str = Field(..., min_length=1, max_length=100, description="Created as a draft release if new")
    content: str = Field(
        ..., min_length=2, max_length=4_000_000, description="CycloneDX or SPDX JSON (larger files: the CLI)"
    )
    filename: str = Field("", max_length=300)


class SbomImportedOut(Schema):
    release: ReleaseOut
    components: int


class ReleaseFindingOut(Schema):
    component: str
    version: str
    cve: str
    cvss: float | None
    kev: bool
    matched_range: str
    source: str
    vex: str | None


class UnknownOut(Schema):
    component: str
    version: str
    cve: str
    cvss: float | None
    kev: bool
    reason: str
    vex: str | None


class MatchOut(Schema):
    model: str
    version: str
    findings: list[ReleaseFindingOut]
    unknown: list[UnknownOut]


class VexIn(Schema):
    cve: str = Field(..., min_length=9, max_length=64)
    state: str = Field(..., max_length=20, description=", ".join(VexState.values))
    justification: str = Field("", max_length=40, description="For not_affected: a CycloneDX justification")
    detail: str = Field("", max_length=5000)


class VexOut(Schema):
    cve: str
    state: str
    justification: str
    detail: str
    recorded_by: str = Field(..., alias="recorded_by_label")
    recorded_at: Any


class VulnerabilityOut(Schema):
    cve: str
    source: str
    summary: str
    cvss: float | None
    cvss_source: str
    kev: bool
    kev_added: str


class VulnQuery(Schema):
    q: str = Field("", max_length=100)
    kev: bool | None = None


class VulnDocumentIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content: str = Field(..., min_length=2, max_length=4_000_000)


class VulnLoadIn(Schema):
    documents: list[VulnDocumentIn] = Field(..., min_length=1, max_length=500)


class VulnLoadOut(Schema):
    created: int
    updated: int
    kev_flagged: int
    formats: dict[str, int]


@router.get("/products", response=list[ProductOut], summary="Products you may see")
@paginate(Page)
def products(request: HttpRequest, filters: Query[ProductQuery]) -> object:
    return selectors.product_list(actor=actor_of(request), q=filters.q, type=filters.type)


@router.post("/products", response={201: ProductOut}, summary="Register a product")
def product_create(request: HttpRequest, payload: ProductIn) -> Status:
    spec = services.ProductSpec(**{**payload.dict(), "capabilities": tuple(payload.capabilities)})
    return Status(201, services.product_create(actor=actor_of(request), spec=spec))


@router.post("/products/import", response=dict[str, Any], summary="Import a CSV of products, all or nothing")
def product_import(request: HttpRequest, payload: ProductImportIn) -> dict[str, Any]:
    created = services.products_import(actor=actor_of(request), text=payload.content)
    return {"created": len(created), "models": [p.model for p in created]}


@router.get("/products/{product_id}", response=ProductOut)
def product(request: HttpRequest, product_id: DbId) -> Product:
    return selectors.product_get(actor=actor_of(request), product_id=product_id)


@router.get("/products/{product_id}/releases", response=list[ReleaseOut], summary="A product's releases")
@paginate(Page)
def product_releases(request: HttpRequest, product_id: DbId) -> object:
    actor = actor_of(request)
    return selectors.release_list(
        actor=actor, product=selectors.product_get(actor=actor, product_id=product_id)
    )


@router.post("/products/{product_id}/releases", response={201: ReleaseOut}, summary="Add a release")
def release_create(request: HttpRequest, product_id: DbId, payload: ReleaseIn) -> Status:
    actor = actor_of(request)
    found = selectors.product_get(actor=actor, product_id=product_id)
    created = services.release_add(actor=actor, product=found, spec=services.ReleaseSpec(**payload.dict()))
    return Status(201, selectors.release_get(actor=actor, release_id=created.pk))


@router.get("/releases/{release_id}", response=ReleaseOut)
def release(request: HttpRequest, release_id: DbId) -> Release:
    return selectors.release_get(actor=actor_of(request), release_id=release_id)


@router.put(
    "/releases/{release_id}", response=ReleaseOut, summary="Change a release's status or support period"
)
def release_change(request: HttpRequest, release_id: DbId, payload: ReleaseChangeIn) -> Release:
    actor = actor_of(request)
    found = selectors.release_get(actor=actor, release_id=release_id)
    spec = services.ReleaseSpec(version=found.version, **payload.dict())
    services.release_update(actor=actor, release=found, spec=spec)
    return selectors.release_get(actor=actor, release_id=release_id)


@router.post(
    "/sboms",
    response={201: SbomImportedOut},
    summary="Import a release's SBOM (CycloneDX 1.2-1.6 or SPDX 2.3 JSON); creates the release if new",
)
def sbom_import(request: HttpRequest, payload: SbomIn) -> Status:
    actor = actor_of(request)
    row = services.sbom_import(
        actor=actor,
        model=payload.model,
        version=payload.version,
        text=payload.content,
        filename=payload.filename,
    )
    found = selectors.release_get(actor=actor, release_id=row.release_id)
    return Status(201, {"release": found, "components": row.component_count})


@router.get(
    "/releases/{release_id}/findings",
    response=MatchOut,
    summary="The release's components matched against the vulnerability data, with VEX states",
)
def release_findings(request: HttpRequest, release_id: DbId) -> dict[str, Any]:
    actor = actor_of(request)
    return selectors.release_findings(
        actor=actor, release=selectors.release_get(actor=actor, release_id=release_id)
    )


@router.get(
    "/releases/{release_id}/vex", response=dict[str, Any], summary="The release's VEX as CycloneDX 1.6"
)
def release_vex(request: HttpRequest, release_id: DbId) -> dict[str, Any]:
    actor = actor_of(request)
    return selectors.vex_document(
        actor=actor, release=selectors.release_get(actor=actor, release_id=release_id)
    )


@router.post(
    "/releases/{release_id}/vex", response=VexOut, summary="Record the analysis of one CVE (product security)"
)
def release_vex_record(request: HttpRequest, release_id: DbId, payload: VexIn) -> VexStatement:
    actor = actor_of(request)
    found = selectors.release_get(actor=actor, release_id=release_id)
    return services.vex_record(actor=actor, release=found, **payload.dict())


@router.get("/vulnerabilities", response=list[VulnerabilityOut], summary="Loaded vulnerability records")
@paginate(Page)
def vulnerabilities(request: HttpRequest, filters: Query[VulnQuery]) -> object:
    return selectors.vulnerability_list(actor=actor_of(request), q=filters.q, kev=filters.kev)


@router.post(
    "/vulnerabilities/load",
    response=VulnLoadOut,
    summary="Load CVE JSON 5 records, OSV records or the KEV catalogue, all or nothing",
)
def vulnerabilities_load(request: HttpRequest, payload: VulnLoadIn) -> dict[str, Any]:
    documents = [(d.name, d.content) for d in payload.documents]
    return services.vulns_load(actor=actor_of(request), documents=documents).as_dict()
