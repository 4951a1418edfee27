"""The request and response schemas of the catalog's JSON API (api.py holds the endpoints)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from conduct.apps.apikit import DbId
from conduct.apps.catalog import selectors
from conduct.apps.catalog.models import Assessment, AssessmentResult, Control, Evidence
from conduct.core.catalog import Framework, Requirement

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


def framework_dict(f: Framework) -> dict[str, Any]:
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


def requirement_dict(r: Requirement) -> dict[str, Any]:
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
    supplier: DbId | None = Field(None, description="Supplier id (supplier scope)")
    product: str = Field("", max_length=200)
    owner: str | None = Field(None, description="Username")


class AssessmentQuery(Schema):
    framework: str | None = Field(None, max_length=80)
    scope_kind: Literal["company", "org_unit", "product", "supplier"] | None = None
    status: Literal["open", "completed"] | None = None
    supplier: DbId | None = None


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
    gate_decision: DbId | None = None
    audit: DbId | None = None
    certificate: DbId | None = None


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
