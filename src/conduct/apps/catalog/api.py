"""JSON API for the framework library, controls, assessments (with evidence), coverage and OSCAL exports."""

import base64
import binascii
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.accounts.selectors import orgunit_get, user_get
from conduct.apps.apikit import Page, actor_of
from conduct.apps.catalog import exports, selectors, services
from conduct.apps.catalog.models import Assessment, AssessmentResult, Control, Evidence
from conduct.apps.errors import Invalid, NotFound
from conduct.core.catalog import Framework, Requirement

router = Router(tags=["catalog"])

DimensionName = Literal["product", "labour", "supply_chain", "governance", "security", "privacy"]


# --- schemas --------------------------------------------------------------------------------------


class FrameworkOut(Schema):
    slug: str
    urn: str
    name: str
    short_name: str
    kind: str
    issuer: str
    edition: str
    jurisdiction: str | None
    reviewed: str
    confidence: str
    requirement_count: int


def _framework(f: Framework) -> dict[str, Any]:
    return {
        "slug": f.slug,
        "urn": f.urn,
        "name": f.name,
        "short_name": f.short_name,
        "kind": f.kind.value,
        "issuer": f.issuer,
        "edition": f.edition,
        "jurisdiction": f.jurisdiction,
        "reviewed": f.reviewed.isoformat(),
        "confidence": f.confidence.value,
        "requirement_count": len(f.requirements),
    }


class RequirementOut(Schema):
    urn: str
    framework: str
    id: str
    title: str
    summary: str
    section: str | None
    dimension: str
    check: str
    level: str | None
    legal_ref: str | None
    confidence: str
    evidence_examples: list[str]


def _requirement(r: Requirement) -> dict[str, Any]:
    return {
        "urn": r.urn,
        "framework": r.framework,
        "id": r.id,
        "title": r.title,
        "summary": r.summary,
        "section": r.section,
        "dimension": r.dimension.value,
        "check": r.check.value,
        "level": r.level,
        "legal_ref": r.legal_ref,
        "confidence": r.confidence.value,
        "evidence_examples": list(r.evidence_examples),
    }


class FrameworkDetailOut(FrameworkOut):
    legal_status: str
    sources: list[str]
    gaps: list[str]
    notes: list[str]
    requirements: list[RequirementOut]


class MappingOut(Schema):
    urn: str
    title: str | None
    relation: str
    direction: Literal["from", "to"]
    source: str
    note: str | None


class RequirementDetailOut(RequirementOut):
    mappings: list[MappingOut]
    controls: list[str]


class RequirementQuery(Schema):
    q: str = Field("", max_length=200)
    framework: str | None = Field(None, max_length=80)
    dimension: DimensionName | None = None


class ControlOut(Schema):
    code: str
    title: str
    description: str
    dimension: str
    org_unit: str
    owner: str | None
    is_active: bool
    requirements: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_org_unit(obj: Control) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_owner(obj: Control) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_requirements(obj: Control) -> list[str]:
        return obj.urns


class ControlIn(Schema):
    code: str = Field(..., max_length=64)
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    dimension: DimensionName
    org_unit: str = Field(..., description="Org unit code or id")
    owner: str | None = Field(None, description="Username")
    requirements: list[str] = Field(default_factory=list, description="Requirement URNs the control serves")


class ControlPatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    dimension: DimensionName | None = None
    org_unit: str | None = None
    owner: str | None = None
    is_active: bool | None = None
    requirements: list[str] | None = None


class ControlQuery(Schema):
    q: str | None = Field(None, max_length=100)
    dimension: DimensionName | None = None
    urn: str | None = Field(None, max_length=200)
    active: bool | None = None


class EvidenceOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    file_name: str
    file_sha256: str
    gate_decision: int | None = Field(None, alias="gate_decision_id")
    audit: int | None = Field(None, alias="audit_id")
    certificate: int | None = Field(None, alias="certificate_id")
    added_by: str
    added_at: datetime


class ResultOut(Schema):
    urn: str
    status: str
    note: str
    owner: str | None
    assessed_at: datetime
    assessed_by: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_owner(obj: AssessmentResult) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_evidence(obj: AssessmentResult) -> list[Evidence]:
        return list(obj.evidence.all())


class AssessmentOut(Schema):
    id: int
    title: str
    framework: str
    scope_kind: str
    scope: str
    org_unit: str
    supplier: int | None = Field(None, alias="supplier_id")
    product: str
    owner: str | None
    status: str
    created_at: datetime
    completed_at: datetime | None
    library_version: str

    @staticmethod
    def resolve_scope(obj: Assessment) -> str:
        return obj.scope_label

    @staticmethod
    def resolve_org_unit(obj: Assessment) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_owner(obj: Assessment) -> str | None:
        return obj.owner.username if obj.owner else None


class AssessmentDetailOut(AssessmentOut):
    summary: dict[str, int]
    results: list[ResultOut]

    @staticmethod
    def resolve_summary(obj: Assessment) -> dict[str, int]:
        return selectors.assessment_summary(obj)

    @staticmethod
    def resolve_results(obj: Assessment) -> list[AssessmentResult]:
        return list(obj.results.select_related("owner").prefetch_related("evidence"))


class AssessmentIn(Schema):
    framework: str = Field(..., max_length=80)
    scope_kind: Literal["company", "org_unit", "product", "supplier"]
    title: str = Field("", max_length=200)
    org_unit: str | None = Field(None, description="Org unit code or id (org_unit and product scopes)")
    supplier: int | None = Field(None, description="Supplier id (supplier scope)")
    product: str = Field("", max_length=200)
    owner: str | None = Field(None, description="Username")


class AssessmentQuery(Schema):
    framework: str | None = Field(None, max_length=80)
    scope_kind: Literal["company", "org_unit", "product", "supplier"] | None = None
    status: Literal["open", "completed"] | None = None
    supplier: int | None = None


class ResultIn(Schema):
    status: Literal["met", "partly_met", "not_met", "not_applicable"]
    note: str = Field("", max_length=5000)
    owner: str | None = Field(None, description="Username")


class EvidenceIn(Schema):
    kind: Literal["file", "link", "gate_decision", "audit", "certificate"]
    title: str = Field("", max_length=200)
    url: str = Field("", max_length=500)
    file_name: str = Field("", max_length=200)
    content_base64: str | None = Field(None, description="The file, base64-encoded (kind=file)")
    gate_decision: int | None = None
    audit: int | None = None
    certificate: int | None = None


class CoverageRowOut(Schema):
    key: str
    label: str
    requirements: int
    controlled: int
    controlled_pct: int
    met_pct: int
    statuses: dict[str, int]


class CoverageOut(Schema):
    by_framework: list[CoverageRowOut]
    by_dimension: list[CoverageRowOut]


# --- helpers --------------------------------------------------------------------------------------


def _unit(actor: User, value: str | None, field: str = "org_unit") -> Any:
    if value is None:
        return None
    try:
        return orgunit_get(actor=actor, unit_id=value)
    except NotFound:
        raise Invalid("Unknown org unit.", fields={field: f"No org unit {value!r} you can see."}) from None


def _user(actor: User, value: str | None, field: str = "owner") -> User | None:
    if value is None:
        return None
    try:
        return user_get(actor=actor, user_id=value)
    except NotFound:
        from conduct.apps.accounts.models import User as UserModel

        found = (
            UserModel.objects.filter(username=value, is_active=True)
            .exclude(role__in=["supplier", "customer"])
            .first()
        )
        if found is None:
            raise Invalid("Unknown user.", fields={field: f"No user {value!r}."}) from None
        return found


# --- the library ----------------------------------------------------------------------------------


@router.get("/frameworks", response=list[FrameworkOut], summary="Frameworks in the library")
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    return [_framework(f) for f in selectors.library(actor=actor_of(request)).frameworks]


@router.get(
    "/frameworks/{framework_slug}", response=FrameworkDetailOut, summary="A framework and its requirements"
)
def get_framework(request: HttpRequest, framework_slug: str) -> dict[str, Any]:
    f = selectors.framework_get(actor=actor_of(request), slug=framework_slug)
    return {
        **_framework(f),
        "legal_status": f.legal_status,
        "sources": list(f.sources),
        "gaps": list(f.gaps),
        "notes": list(f.notes),
        "requirements": [_requirement(r) for r in f.requirements],
    }


@router.get(
    "/frameworks/{framework_slug}/oscal", response=dict[str, Any], summary="A framework as an OSCAL catalog"
)
def framework_oscal(request: HttpRequest, framework_slug: str) -> dict[str, Any]:
    return exports.framework_oscal(actor=actor_of(request), slug=framework_slug)


@router.get("/requirements", response=list[RequirementOut], summary="Search requirements (best first)")
@paginate(Page)
def search_requirements(request: HttpRequest, filters: Query[RequirementQuery]) -> list[dict[str, Any]]:
    found = selectors.requirement_search(
        actor=actor_of(request), q=filters.q, framework=filters.framework, dimension=filters.dimension
    )
    return [_requirement(r) for r in found]


@router.get(
    "/requirements/{urn}", response=RequirementDetailOut, summary="A requirement, its mappings and controls"
)
def get_requirement(request: HttpRequest, urn: str) -> dict[str, Any]:
    detail = selectors.requirement_get(actor=actor_of(request), urn=urn)
    mappings = [
        {
            "urn": m.other(urn),
            "title": other.title if other else None,
            "relation": m.relation.value,
            "direction": "to" if m.from_urn == urn else "from",
            "source": m.source,
            "note": m.note,
        }
        for m, other in detail.mappings
    ]
    return {
        **_requirement(detail.requirement),
        "mappings": mappings,
        "controls": [c.code for c in detail.controls],
    }


@router.get(
    "/coverage",
    response=CoverageOut,
    summary="Coverage by controls and assessments, per framework and dimension",
)
def get_coverage(request: HttpRequest) -> dict[str, Any]:
    cov = selectors.coverage(actor=actor_of(request))
    return {
        "by_framework": [r.as_dict() for r in cov.by_framework],
        "by_dimension": [r.as_dict() for r in cov.by_dimension],
    }


# --- controls -------------------------------------------------------------------------------------


@router.get("/controls", response=list[ControlOut])
@paginate(Page)
def list_controls(request: HttpRequest, filters: Query[ControlQuery]) -> object:
    actor = actor_of(request)
    require(actor, "controls.view")
    return selectors.control_list(actor=actor, filters=selectors.ControlFilters(**filters.dict()))


@router.post("/controls", response={201: ControlOut})
def create_control(request: HttpRequest, payload: ControlIn) -> Status:
    actor = actor_of(request)
    require(actor, "controls.manage")
    data = payload.dict()
    control = services.control_create(
        actor=actor,
        code=data["code"],
        title=data["title"],
        description=data["description"],
        dimension=data["dimension"],
        org_unit=_unit(actor, data["org_unit"]),
        owner=_user(actor, data["owner"]),
        urns=data["requirements"],
    )
    return Status(201, selectors.control_get(actor=actor, code=control.code))


@router.get("/controls/{control_code}", response=ControlOut)
def get_control(request: HttpRequest, control_code: str) -> Control:
    actor = actor_of(request)
    require(actor, "controls.view")
    return selectors.control_get(actor=actor, code=control_code)


@router.patch("/controls/{control_code}", response=ControlOut)
def update_control(request: HttpRequest, control_code: str, payload: ControlPatch) -> Control:
    actor = actor_of(request)
    require(actor, "controls.manage")
    control = selectors.control_get(actor=actor, code=control_code)
    data = payload.dict(exclude_unset=True)
    urns = data.pop("requirements", None)
    if "org_unit" in data:
        data["org_unit"] = _unit(actor, data["org_unit"])
        if data["org_unit"] is None:
            raise Invalid("The control is not valid.", fields={"org_unit": "A control belongs to a unit."})
    if "owner" in data:
        data["owner"] = _user(actor, data["owner"])
    services.control_update(actor=actor, control=control, urns=urns, **data)
    return selectors.control_get(actor=actor, code=control_code)


# --- assessments ----------------------------------------------------------------------------------


@router.get("/assessments", response=list[AssessmentOut])
@paginate(Page)
def list_assessments(request: HttpRequest, filters: Query[AssessmentQuery]) -> object:
    actor = actor_of(request)
    require(actor, "assessments.view")
    return selectors.assessment_list(actor=actor, filters=selectors.AssessmentFilters(**filters.dict()))


@router.post("/assessments", response={201: AssessmentDetailOut})
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Status:
    actor = actor_of(request)
    require(actor, "assessments.manage")
    supplier = None
    if payload.supplier is not None:
        from conduct.apps.suppliers.selectors import supplier_get

        try:
            supplier = supplier_get(actor=actor, supplier_id=payload.supplier)
        except NotFound:
            raise Invalid(
                "Unknown supplier.", fields={"supplier": f"No supplier {payload.supplier} you can see."}
            ) from None
    assessment = services.assessment_create(
        actor=actor,
        framework=payload.framework,
        scope_kind=payload.scope_kind,
        title=payload.title,
        org_unit=_unit(actor, payload.org_unit),
        supplier=supplier,
        product=payload.product,
        owner=_user(actor, payload.owner),
    )
    return Status(201, selectors.assessment_get(actor=actor, assessment_id=assessment.pk))


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    actor = actor_of(request)
    require(actor, "assessments.view")
    return selectors.assessment_get(actor=actor, assessment_id=assessment_id)


@router.put(
    "/assessments/{assessment_id}/results/{urn}",
    response=ResultOut,
    summary="Record the status of one requirement",
)
def record_result(request: HttpRequest, assessment_id: int, urn: str, payload: ResultIn) -> AssessmentResult:
    actor = actor_of(request)
    require(actor, "assessments.manage")
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    return services.result_record(
        actor=actor,
        assessment=assessment,
        urn=urn,
        status=payload.status,
        note=payload.note,
        owner=_user(actor, payload.owner),
    )


@router.post(
    "/assessments/{assessment_id}/results/{urn}/evidence",
    response={201: EvidenceOut},
    summary="Attach evidence to a recorded result",
)
def add_evidence(request: HttpRequest, assessment_id: int, urn: str, payload: EvidenceIn) -> Status:
    actor = actor_of(request)
    require(actor, "assessments.manage")
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    result = assessment.results.filter(urn=urn).first()
    if result is None:
        raise Invalid(
            "Record a status for the requirement first.", fields={"urn": f"{urn!r} has no result yet."}
        )
    content = None
    if payload.content_base64 is not None:
        try:
            content = base64.b64decode(payload.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid(
                "The file is not valid base64.", fields={"content_base64": "Not valid base64."}
            ) from None
    evidence = services.evidence_add(
        actor=actor,
        result=result,
        kind=payload.kind,
        title=payload.title,
        url=payload.url,
        content=content,
        filename=payload.file_name,
        gate_decision_id=payload.gate_decision,
        audit_id=payload.audit,
        certificate_id=payload.certificate,
    )
    return Status(201, evidence)


@router.post("/assessments/{assessment_id}/complete", response=AssessmentDetailOut)
def complete_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    actor = actor_of(request)
    require(actor, "assessments.manage")
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    services.assessment_complete(actor=actor, assessment=assessment)
    return selectors.assessment_get(actor=actor, assessment_id=assessment_id)


@router.get(
    "/assessments/{assessment_id}/oscal",
    response=dict[str, Any],
    summary="The assessment as OSCAL assessment-results",
)
def assessment_oscal(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, "assessments.view")
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    return exports.assessment_oscal(actor=actor, assessment=assessment)
