"""JSON API of training assignments (by role, unit or new joiners; completion per unit with the gaps), the
reader's own training, entered completions (score and certificate optional) and the scheduled reminders."""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.apikit import DbId, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.workforce import services, training_reads
from conduct.apps.workforce.api_actions import MAX_BASE64, decode
from conduct.apps.workforce.api_people import UnitCompletionOut
from conduct.apps.workforce.models import TrainingCompletion

router = Router(tags=["policies and training"])


class OverdueOut(Schema):
    username: str
    unit: str
    due: date


class AssignmentOut(Schema):
    id: int
    course: str
    rule: str
    roles: list[str]
    unit: str | None
    starts_on: date
    due_date: date | None
    due_days: int
    units: list[UnitCompletionOut]
    overdue: list[OverdueOut]


def _out(standing: training_reads.AssignmentStanding) -> dict[str, Any]:
    a = standing.assignment
    return {
        "id": a.pk,
        "course": a.course.code,
        "rule": a.rule,
        "roles": a.roles,
        "unit": a.unit.code if a.unit else None,
        "starts_on": a.starts_on,
        "due_date": a.due_date,
        "due_days": a.due_days,
        "units": standing.units,
        "overdue": standing.overdue,
    }


class AssignmentIn(Schema):
    course: str = Field(..., min_length=1, max_length=64)
    rule: Literal["role", "unit", "new_joiners"]
    roles: list[str] = Field(default_factory=list, max_length=20)
    unit: str | None = Field(None, max_length=64, description="Org unit code (its subtree)")
    due_date: date | None = Field(None, description="By role or unit: the date")
    due_days: int = Field(0, ge=0, le=365, description="Days after joining (new joiners; late joiners)")


@router.get("/training/assignments", response=list[AssignmentOut], summary="Assignments, completion per unit")
def assignments(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    return [
        _out(training_reads.assignment_standing(actor=actor, assignment=a))
        for a in training_reads.assignment_list(actor=actor)
    ]


@router.post("/training/assignments", response={201: AssignmentOut}, summary="Assign a course")
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Status:
    actor = actor_of(request)
    course = training_reads.course_for(actor=actor, code=payload.course, permission="training.manage")
    unit = None
    if payload.unit:
        unit = OrgUnit.objects.filter(code=payload.unit.strip()).first()
        if unit is None:
            raise Invalid(
                _("Unknown org unit."), fields={"unit": _("No org unit %(c)r.") % {"c": payload.unit}}
            )
    made = services.assignment_create(
        actor=actor,
        course=course,
        rule=payload.rule,
        roles=payload.roles,
        unit=unit,
        due_date=payload.due_date,
        due_days=payload.due_days,
    )
    return Status(201, _out(training_reads.assignment_standing(actor=actor, assignment=made)))


@router.get(
    "/training/assignments/{training_assignment_id}",
    response=AssignmentOut,
    summary="One assignment, with the gaps",
)
def assignment(request: HttpRequest, training_assignment_id: DbId) -> dict[str, Any]:
    actor = actor_of(request)
    found = training_reads.assignment_get(actor=actor, assignment_id=training_assignment_id)
    return _out(training_reads.assignment_standing(actor=actor, assignment=found))


class MyTrainingOut(Schema):
    assignment: int
    course: str
    due: date
    status: str
    completed_on: date | None
    expires_on: date | None


@router.get("/training/mine", response=list[MyTrainingOut], summary="Your training and where you stand")
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "assignment": a.pk,
            "course": a.course.code,
            "due": d.due,
            "status": d.status,
            "completed_on": d.completed_on,
            "expires_on": d.expires_on,
        }
        for a, d in training_reads.my_training(actor=actor_of(request))
    ]


class CompletionIn(Schema):
    course: str = Field(..., min_length=1, max_length=64)
    user: str = Field(..., min_length=1, max_length=150, description="Username")
    completed_on: date
    score: int | None = Field(None, ge=0, le=100)
    certificate_name: str = Field("", max_length=200)
    certificate_base64: str | None = Field(None, max_length=MAX_BASE64, description="PDF, PNG or JPEG")


class CompletionOut(Schema):
    id: int
    course: str = Field(..., alias="course.code")
    user: str = Field(..., alias="user.username")
    completed_on: date
    expires_on: date | None
    score: int | None
    source: str
    certificate_name: str
    certificate_sha256: str


@router.post("/training/completions", response={201: CompletionOut}, summary="Record one completion")
def completion_create(request: HttpRequest, payload: CompletionIn) -> Status:
    actor = actor_of(request)
    person = training_reads.trainee_for(actor=actor, username=payload.user)
    course = training_reads.course_for(actor=actor, code=payload.course, permission="training.record")
    content = None
    if payload.certificate_base64 is not None:
        content = decode(payload.certificate_base64, "certificate_base64")
    row: TrainingCompletion = services.completion_record(
        actor=actor,
        course=course,
        user=person,
        completed_on=payload.completed_on,
        score=payload.score,
        certificate=content,
        filename=payload.certificate_name,
    )
    return Status(201, row)


class RemindersOut(Schema):
    attestations: int
    training: int
    people: int


@router.post(
    "/workforce/reminders/run",
    response=RemindersOut,
    summary="Send the attestation and training reminders due today (idempotent)",
)
def reminders_run(request: HttpRequest) -> dict[str, int]:
    return services.reminders_send(actor=actor_of(request)).as_json()
