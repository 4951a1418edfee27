"""JSON API for the framework library, controls, assessments (with evidence), coverage and OSCAL exports."""

import base64
import binascii
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.catalog import exports, selectors, services
from conduct.apps.catalog.models import Assessment, AssessmentResult, Control
from conduct.apps.catalog.schemas import (
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    AssessmentQuery,
    ControlIn,
    ControlOut,
    ControlPatch,
    ControlQuery,
    CoverageOut,
    EvidenceIn,
    EvidenceOut,
    FrameworkDetailOut,
    FrameworkOut,
    RequirementDetailOut,
    RequirementOut,
    RequirementQuery,
    ResultIn,
    ResultOut,
    framework_dict,
    requirement_dict,
)
from conduct.apps.errors import Invalid

router = Router(tags=["catalog"])


# --- helpers --------------------------------------------------------------------------------------


# --- the library ----------------------------------------------------------------------------------


@router.get("/frameworks", response=list[FrameworkOut], summary="Frameworks in the library")
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    return [framework_dict(f) for f in selectors.library(actor=actor_of(request)).frameworks]


@router.get(
    "/frameworks/{framework_slug}", response=FrameworkDetailOut, summary="A framework and its requirements"
)
def getframework_dict(request: HttpRequest, framework_slug: str) -> dict[str, Any]:
    f = selectors.framework_get(actor=actor_of(request), slug=framework_slug)
    return {
        **framework_dict(f),
        "legal_status": f.legal_status,
        "sources": list(f.sources),
        "gaps": list(f.gaps),
        "notes": list(f.notes),
        "requirements": [requirement_dict(r) for r in f.requirements],
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
    return [requirement_dict(r) for r in found]


@router.get(
    "/requirements/{urn}", response=RequirementDetailOut, summary="A requirement, its mappings and controls"
)
def getrequirement_dict(request: HttpRequest, urn: str) -> dict[str, Any]:
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
        **requirement_dict(detail.requirement),
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
    return selectors.control_list(actor=actor, filters=selectors.ControlFilters(**filters.dict()))


@router.post("/controls", response={201: ControlOut})
def create_control(request: HttpRequest, payload: ControlIn) -> Status:
    actor = actor_of(request)
    data = payload.dict()
    control = services.control_create(
        actor=actor,
        code=data["code"],
        title=data["title"],
        description=data["description"],
        dimension=data["dimension"],
        org_unit=data["org_unit"],
        owner=data["owner"],
        urns=data["requirements"],
    )
    return Status(201, selectors.control_get(actor=actor, code=control.code))


@router.get("/controls/{control_code}", response=ControlOut)
def get_control(request: HttpRequest, control_code: str) -> Control:
    actor = actor_of(request)
    return selectors.control_get(actor=actor, code=control_code)


@router.patch("/controls/{control_code}", response=ControlOut)
def update_control(request: HttpRequest, control_code: str, payload: ControlPatch) -> Control:
    actor = actor_of(request)
    control = selectors.control_get(actor=actor, code=control_code)
    data = payload.dict(exclude_unset=True)
    urns = data.pop("requirements", None)
    services.control_update(actor=actor, control=control, urns=urns, **data)
    return selectors.control_get(actor=actor, code=control_code)


# --- assessments ----------------------------------------------------------------------------------


@router.get("/assessments", response=list[AssessmentOut])
@paginate(Page)
def list_assessments(request: HttpRequest, filters: Query[AssessmentQuery]) -> object:
    actor = actor_of(request)
    return selectors.assessment_list(actor=actor, filters=selectors.AssessmentFilters(**filters.dict()))


@router.post("/assessments", response={201: AssessmentDetailOut})
def create_assessment(request: HttpRequest, payload: AssessmentIn) -> Status:
    actor = actor_of(request)
    assessment = services.assessment_create(
        actor=actor,
        framework=payload.framework,
        scope_kind=payload.scope_kind,
        title=payload.title,
        org_unit=payload.org_unit,
        supplier=payload.supplier,
        product=payload.product,
        owner=payload.owner,
    )
    return Status(201, selectors.assessment_get(actor=actor, assessment_id=assessment.pk))


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request: HttpRequest, assessment_id: DbId) -> Assessment:
    actor = actor_of(request)
    return selectors.assessment_get(actor=actor, assessment_id=assessment_id)


@router.put(
    "/assessments/{assessment_id}/results/{urn}",
    response=ResultOut,
    summary="Record the status of one requirement",
)
def record_result(request: HttpRequest, assessment_id: DbId, urn: str, payload: ResultIn) -> AssessmentResult:
    actor = actor_of(request)
    assessment = services.assessment_for_change(actor=actor, assessment_id=assessment_id)
    return services.result_record(
        actor=actor,
        assessment=assessment,
        urn=urn,
        status=payload.status,
        note=payload.note,
        owner=payload.owner,
    )


@router.post(
    "/assessments/{assessment_id}/results/{urn}/evidence",
    response={201: EvidenceOut},
    summary="Attach evidence to a recorded result",
)
def add_evidence(request: HttpRequest, assessment_id: DbId, urn: str, payload: EvidenceIn) -> Status:
    actor = actor_of(request)
    assessment = services.assessment_for_change(actor=actor, assessment_id=assessment_id)
    result = assessment.results.filter(urn=urn).first()
    if result is None:
        raise Invalid(
            _("Record a status for the requirement first."),
            fields={"urn": _("%(urn)r has no result yet.") % {"urn": urn}},
        )
    content = None
    if payload.content_base64 is not None:
        try:
            content = base64.b64decode(payload.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid(
                _("The file is not valid base64."), fields={"content_base64": _("Not valid base64.")}
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
def complete_assessment(request: HttpRequest, assessment_id: DbId) -> Assessment:
    actor = actor_of(request)
    assessment = services.assessment_for_change(actor=actor, assessment_id=assessment_id)
    services.assessment_complete(actor=actor, assessment=assessment)
    return selectors.assessment_get(actor=actor, assessment_id=assessment_id)


@router.get(
    "/assessments/{assessment_id}/oscal",
    response=dict[str, Any],
    summary="The assessment as OSCAL assessment-results",
)
def assessment_oscal(request: HttpRequest, assessment_id: DbId) -> dict[str, Any]:
    actor = actor_of(request)
    assessment = selectors.assessment_get(actor=actor, assessment_id=assessment_id)
    return exports.assessment_oscal(actor=actor, assessment=assessment)
