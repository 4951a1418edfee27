"""JSON API of policies (versions in Markdown, review and approval), attestation campaigns and training."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.apikit import DbId, actor_of
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.workforce import people, services
from conduct.apps.workforce.models import AttestationCampaign, Policy, PolicyVersion

router = Router(tags=["policies and training"])


class PolicyVersionOut(Schema):
    id: int
    policy: str = Field(..., alias="policy.key")
    number: int
    status: str
    next_review: date
    submitted_by: str
    approved_by: str
    published_at: datetime | None


class VersionDetailOut(PolicyVersionOut):
    body: str
    html: str

    @staticmethod
    def resolve_html(obj: PolicyVersion) -> str:
        return str(people.render_markdown(obj.body))


class PolicyOut(Schema):
    key: str
    title: str
    org_unit: str = Field(..., alias="org_unit.code")
    versions: list[PolicyVersionOut]

    @staticmethod
    def resolve_versions(obj: Policy) -> list[PolicyVersion]:
        return list(obj.versions.all())


class PolicyIn(Schema):
    key: str = Field(..., min_length=1, max_length=64)
    title: str = Field(..., min_length=1, max_length=200)
    org_unit: str = Field(..., min_length=1, max_length=64, description="The owning org unit's code")
    body: str = Field(..., min_length=1, max_length=200_000, description="Markdown")
    next_review: date


class VersionIn(Schema):
    body: str = Field(..., min_length=1, max_length=200_000, description="Markdown")
    next_review: date


def _unit(code: str, field: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise Invalid(_("Unknown org unit."), fields={field: _("No org unit %(c)r.") % {"c": code}})
    return unit


@router.get("/policies", response=list[PolicyOut], summary="Policies and their versions")
def policies(request: HttpRequest) -> Any:
    return list(people.policy_list(actor=actor_of(request)))


@router.post("/policies", response={201: VersionDetailOut}, summary="A policy and its first version (draft)")
def policy_create(request: HttpRequest, payload: PolicyIn) -> Status:
    data = payload.dict()
    version = services.policy_create(
        actor=actor_of(request), **{**data, "org_unit": _unit(data["org_unit"], "org_unit")}
    )
    return Status(201, version)


@router.post(
    "/policies/{policy_key}/versions", response={201: VersionDetailOut}, summary="A new version (draft)"
)
def policy_version_create(request: HttpRequest, policy_key: str, payload: VersionIn) -> Status:
    policy = people.policy_list(actor=actor_of(request)).filter(key=policy_key[:64]).first()
    if policy is None:
        raise NotFound(_("No policy %(key)r.") % {"key": policy_key[:64]})
    return Status(
        201, services.policy_version_create(actor=actor_of(request), policy=policy, **payload.dict())
    )


@router.get(
    "/policy-versions/{version_id}", response=VersionDetailOut, summary="A version, as Markdown and HTML"
)
def policy_version(request: HttpRequest, version_id: DbId) -> PolicyVersion:
    return people.version_get(actor=actor_of(request), version_id=version_id)


@router.post(
    "/policy-versions/{version_id}/submit", response=PolicyVersionOut, summary="Submit a draft for review"
)
def policy_version_submit(request: HttpRequest, version_id: DbId) -> PolicyVersion:
    actor = actor_of(request)
    return services.policy_version_submit(
        actor=actor, version=people.version_to_manage(actor=actor, version_id=version_id)
    )


@router.post(
    "/policy-versions/{version_id}/approve",
    response=PolicyVersionOut,
    summary="Approve and publish a version in review",
)
def policy_version_approve(request: HttpRequest, version_id: DbId) -> PolicyVersion:
    actor = actor_of(request)
    return services.policy_version_approve(
        actor=actor, version=people.version_to_manage(actor=actor, version_id=version_id)
    )


class UnitCompletionOut(Schema):
    unit: str
    assigned: int
    done: int
    share: float
    missing: list[str]


class CampaignOut(Schema):
    id: int
    version: int = Field(..., alias="version_id")
    policy: str = Field(..., alias="version.policy.key")
    roles: list[str]
    due_date: date
    reminded_at: datetime | None
    units: list[UnitCompletionOut]

    @staticmethod
    def resolve_units(obj: AttestationCampaign) -> list[Any]:
        return list(getattr(obj, "completion", []))


class CampaignIn(Schema):
    version: DbId
    roles: list[str] = Field(..., min_length=1, max_length=20)
    units: list[str] = Field(..., min_length=1, max_length=200, description="Org unit codes (their subtrees)")
    due_date: date


def _campaign(request: HttpRequest, campaign_id: int) -> AttestationCampaign:
    actor = actor_of(request)
    campaign = people.campaign_get(actor=actor, campaign_id=campaign_id)
    campaign.completion = people.campaign_completion(actor=actor, campaign=campaign)  # type: ignore[attr-defined]
    return campaign


@router.post("/attestation-campaigns", response={201: CampaignOut}, summary="Assign a published version")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status:
    actor = actor_of(request)
    campaign = services.campaign_create(
        actor=actor,
        version=people.version_get(actor=actor, version_id=payload.version),
        roles=payload.roles,
        units=[_unit(code, "units") for code in payload.units],
        due_date=payload.due_date,
    )
    return Status(201, _campaign(request, campaign.pk))


@router.get(
    "/attestation-campaigns/{campaign_id}", response=CampaignOut, summary="Completion per unit, with the gaps"
)
def campaign(request: HttpRequest, campaign_id: DbId) -> AttestationCampaign:
    return _campaign(request, campaign_id)


class AcknowledgedOut(Schema):
    campaign: int = Field(..., alias="campaign_id")
    acknowledged_at: datetime


@router.post(
    "/attestation-campaigns/{campaign_id}/acknowledge",
    response=AcknowledgedOut,
    summary="Acknowledge the policy assigned to you",
)
def campaign_acknowledge(request: HttpRequest, campaign_id: DbId) -> Any:
    actor = actor_of(request)
    found = people.campaign_get(actor=actor, campaign_id=campaign_id)
    return services.attestation_acknowledge(actor=actor, campaign=found)


@router.post(
    "/attestation-campaigns/{campaign_id}/remind",
    response=dict[str, int],
    summary="Remind everyone who has not acknowledged yet",
)
def campaign_remind(request: HttpRequest, campaign_id: DbId) -> dict[str, int]:
    actor = actor_of(request)
    found = people.campaign_get(actor=actor, campaign_id=campaign_id)
    return {"reminded": services.campaign_remind(actor=actor, campaign=found)}


class CourseOut(Schema):
    code: str
    title: str
    roles: list[str]
    validity_months: int
    units: list[UnitCompletionOut]

    @staticmethod
    def resolve_units(obj: Any) -> list[Any]:
        return list(getattr(obj, "completion", []))


@router.get("/training/courses", response=list[CourseOut], summary="Courses and completion per unit")
def courses(request: HttpRequest) -> Any:
    actor = actor_of(request)
    rates = people.training_completion(actor=actor)
    found = people.training_courses(actor=actor)
    for course in found:
        course.completion = rates.get(course.code, [])
    return found


class CourseIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    title: str = Field(..., min_length=1, max_length=200)
    roles: list[str] = Field(..., min_length=1, max_length=20)
    validity_months: int = Field(0, ge=0, le=120)


@router.post("/training/courses", response={201: CourseOut}, summary="Add a course")
def course_create(request: HttpRequest, payload: CourseIn) -> Status:
    return Status(201, services.course_create(actor=actor_of(request), **payload.dict()))


class TrainingImportIn(Schema):
    content: str = Field(
        ..., min_length=1, max_length=5_000_000, description="CSV: course,username,completed_on"
    )


@router.post(
    "/training/completions/import", response=dict[str, int], summary="Import completions, all or nothing"
)
def training_import(request: HttpRequest, payload: TrainingImportIn) -> dict[str, int]:
    return {"imported": len(services.training_import(actor=actor_of(request), text=payload.content))}
