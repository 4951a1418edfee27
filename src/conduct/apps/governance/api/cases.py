"""Cases, votes, decisions, conflicts, comments and documents: /api/v1/cases."""

import base64
import binascii
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from conduct.apps.apikit import Page, actor_of
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.governance import selectors, services
from conduct.apps.governance.api._shared import (
    CaseStatus,
    Choice,
    DimensionName,
    DocKind,
    Outcome,
    Right,
    SubjectType,
    case_for,
    unit_ref,
)
from conduct.apps.governance.models import Case, CaseComment, CaseDecision, CaseDocument, Vote
from conduct.events.gates import decision_for

router = Router(tags=["governance"])


# --- cases --------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    title: str
    description: str
    dimension: str
    rights: list[str]
    status: str
    round: int
    queue: str
    committee: str | None
    source: str
    subject: dict[str, Any]
    org_unit: str | None
    opened_at: datetime
    opened_by: str
    due_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_committee(obj: Case) -> str | None:
        return obj.committee.slug if obj.committee else None

    @staticmethod
    def resolve_org_unit(obj: Case) -> str | None:
        return obj.org_unit.code if obj.org_unit else None

    @staticmethod
    def resolve_subject(obj: Case) -> dict[str, Any]:
        return {
            "type": obj.subject_type or None,
            "ref": obj.subject_ref or None,
            "gate_decision": obj.gate_decision_id,
        }


class CaseDecisionOut(Schema):
    id: int
    case: int
    round: int
    outcome: str
    binding: bool
    method: str
    conditions: list[str]
    rationale: str
    dissent: list[dict[str, Any]]
    tally: dict[str, Any]
    gate_outcome: str | None
    note: str
    decided_at: datetime
    decided_by: str
    recommendations: list[int]

    @staticmethod
    def resolve_case(obj: CaseDecision) -> int:
        return obj.case_id

    @staticmethod
    def resolve_gate_outcome(obj: CaseDecision) -> str | None:
        return obj.gate_outcome or None

    @staticmethod
    def resolve_recommendations(obj: CaseDecision) -> list[int]:
        return [r.pk for r in obj.recommendations.all()]


class TallyOut(Schema):
    decided: bool
    outcome: str | None
    reason: str
    eligible: int
    quorum: int
    cast: int
    approve: int
    reject: int
    abstain: int


class CaseDetailOut(CaseOut):
    committee_rule: str | None
    tally: TallyOut | None
    decision: CaseDecisionOut | None
    conflicts: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    recommendations: list[int]

    @staticmethod
    def resolve_committee_rule(obj: Case) -> str | None:
        return services.decision_rule(obj).describe() if obj.committee_id else None

    @staticmethod
    def resolve_tally(obj: Case) -> dict[str, Any] | None:
        tally = services.current_tally(obj) if obj.is_active else None
        return tally.to_dict() if tally else None

    @staticmethod
    def resolve_decision(obj: Case) -> CaseDecision | None:
        return obj.decisions.filter(round=obj.round).first()

    @staticmethod
    def resolve_conflicts(obj: Case) -> list[dict[str, Any]]:
        return [
            {"user": c.user.username, "reason": c.reason, "declared_at": c.declared_at}
            for c in obj.conflicts.select_related("user")
        ]

    @staticmethod
    def resolve_documents(obj: Case) -> list[dict[str, Any]]:
        return [
            {"id": d.pk, "filename": d.filename, "kind": d.kind, "size": d.size, "sha256": d.sha256}
            for d in obj.documents.all()
        ]

    @staticmethod
    def resolve_recommendations(obj: Case) -> list[int]:
        return list(obj.recommendations.values_list("pk", flat=True))


class CaseIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    dimension: DimensionName
    queue: str = Field(
        ..., min_length=1, max_length=64, description="A committee slug, or compliance-officers"
    )
    description: str = Field("", max_length=10000)
    org_unit: str | None = Field(None, max_length=64)
    gate_decision: int | None = None
    rights: list[Right] = Field(default_factory=list, max_length=13)
    due_days: int = Field(14, ge=1, le=365)
    source: Literal["manual", "screening_alert", "grievance"] = "manual"
    subject_type: SubjectType | None = None
    subject_ref: str = Field("", max_length=200)


class CasePatch(Schema):
    description: str | None = Field(None, max_length=10000)
    rights: list[Right] | None = Field(None, max_length=13)
    due_at: datetime | None = Field(None, description="ISO 8601 with a time zone, e.g. 2026-12-31T17:00:00Z")

    @field_validator("due_at", mode="before")
    @classmethod
    def _iso_only(cls, value: Any) -> Any:
        # pydantic would read a bare number as a Unix timestamp; a deadline is written as a date and time.
        if value is not None and not isinstance(value, str | datetime):
            raise ValueError(_("Expected a date and time (ISO 8601)."))
        return value


class CaseQuery(Schema):
    status: CaseStatus | None = None
    queue: str | None = Field(None, max_length=64)
    dimension: DimensionName | None = None
    q: str | None = Field(None, max_length=200)


class StatusIn(Schema):
    status: Literal["open", "under_review", "closed"]
    reason: str = Field("", max_length=2000)


class VoteOut(Schema):
    id: int
    round: int
    voter: str
    voter_role: str
    choice: str
    rationale: str
    conditions: list[str]
    cast_at: datetime

    @staticmethod
    def resolve_voter(obj: Vote) -> str:
        return obj.voter.username


class VoteIn(Schema):
    choice: Choice
    rationale: str = Field(..., min_length=1, max_length=5000)
    conditions: list[str] = Field(default_factory=list, max_length=20)


class VotedOut(Schema):
    vote: VoteOut
    tally: TallyOut
    case_status: str
    decision: CaseDecisionOut | None


class DecideIn(Schema):
    outcome: Outcome
    rationale: str = Field(..., min_length=1, max_length=5000)
    conditions: list[str] = Field(default_factory=list, max_length=20)


class ConflictIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: CaseComment) -> str:
        return obj.author.username


class DocumentIn(Schema):
    filename: str = Field(..., min_length=1, max_length=200)
    kind: DocKind = "evidence"
    content_base64: str = Field(
        ..., min_length=1, description="The file's bytes, base64-encoded (at most 10 MiB)"
    )


class DocumentOut(Schema):
    id: int
    filename: str
    kind: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    @staticmethod
    def resolve_uploaded_by(obj: CaseDocument) -> str:
        return obj.uploaded_by.username


@router.get("/cases", response=list[CaseOut])
@paginate(Page)
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> object:
    actor = actor_of(request)
    return selectors.case_index(actor=actor, filters=selectors.CaseFilters(**filters.dict()))


@router.post("/cases", response={201: CaseDetailOut}, summary="Open a case by hand")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    actor = actor_of(request)
    data = payload.dict()
    code, decision_id = data.pop("org_unit"), data.pop("gate_decision")
    unit = unit_ref(actor, code, "org_unit", "cases.open")
    gate = None
    if decision_id is not None:
        try:
            gate = decision_for(actor=actor, decision_id=decision_id)
        except NotFound:
            raise Invalid(
                _("Unknown gate decision."),
                fields={
                    "gate_decision": _("No gate decision %(decision_id)s you can see.")
                    % {"decision_id": decision_id}
                },
            ) from None
    data["subject_type"] = data["subject_type"] or ""
    case = services.case_create(actor=actor, org_unit=unit, gate_decision=gate, **data)
    return Status(201, selectors.case_get(actor=actor, case_id=case.pk))


@router.get("/cases/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: int) -> Case:
    return case_for(actor_of(request), case_id)


@router.patch(
    "/cases/{case_id}", response=CaseDetailOut, summary="Set a case's description, rights at stake, deadline"
)
def update_case(request: HttpRequest, case_id: int, payload: CasePatch) -> Case:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    services.case_update(actor=actor, case=case, **payload.dict(exclude_unset=True))
    return selectors.case_get(actor=actor, case_id=case_id)


@router.post(
    "/cases/{case_id}/status",
    response=CaseDetailOut,
    summary="Move a case: under review, closed, or reopened (a new round)",
)
def change_status(request: HttpRequest, case_id: int, payload: StatusIn) -> Case:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    services.case_transition(actor=actor, case=case, status=payload.status, reason=payload.reason)
    return selectors.case_get(actor=actor, case_id=case_id)


@router.get("/cases/{case_id}/votes", response=list[VoteOut], summary="Votes cast on a case (every round)")
@paginate(Page)
def list_votes(request: HttpRequest, case_id: int) -> object:
    case = case_for(actor_of(request), case_id)
    return case.votes.select_related("voter").order_by("round", "cast_at", "id")


@router.post(
    "/cases/{case_id}/votes",
    response={201: VotedOut},
    summary="Vote; when the committee's quorum and rule are met, the decision is recorded",
)
def cast_vote(request: HttpRequest, case_id: int, payload: VoteIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    voted = services.case_vote(
        actor=actor,
        case=case,
        choice=payload.choice,
        rationale=payload.rationale,
        conditions=payload.conditions,
    )
    status = Case.objects.values_list("status", flat=True).get(pk=case.pk)
    return Status(
        201,
        {
            "vote": voted.vote,
            "tally": voted.tally.to_dict(),
            "case_status": status,
            "decision": voted.decision,
        },
    )


@router.get(
    "/cases/{case_id}/decision", response=CaseDecisionOut, summary="The decision of the case's current round"
)
def get_decision(request: HttpRequest, case_id: int) -> CaseDecision:
    actor = actor_of(request)
    case = case_for(actor, case_id)
    decision = selectors.case_decision(actor=actor, case=case)
    if decision is None:
        raise NotFound(
            _("Case %(pk)s has no decision in round %(round)s.") % {"pk": case.pk, "round": case.round}
        )
    return decision


@router.post(
    "/cases/{case_id}/decision",
    response={201: CaseDecisionOut},
    summary="A compliance officer decides a case of the officers' queue",
)
def decide_case(request: HttpRequest, case_id: int, payload: DecideIn) -> Status[CaseDecision]:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    return Status(
        201,
        services.case_decide(
            actor=actor,
            case=case,
            outcome=payload.outcome,
            rationale=payload.rationale,
            conditions=payload.conditions,
        ),
    )


@router.post(
    "/cases/{case_id}/conflicts", response={201: CaseDetailOut}, summary="Declare a conflict of interest"
)
def declare_conflict(request: HttpRequest, case_id: int, payload: ConflictIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    services.conflict_declare(actor=actor, case=case, reason=payload.reason)
    return Status(201, selectors.case_get(actor=actor, case_id=case_id))


@router.get("/cases/{case_id}/comments", response=list[CommentOut], summary="The case's discussion thread")
@paginate(Page)
def list_comments(request: HttpRequest, case_id: int) -> object:
    return case_for(actor_of(request), case_id).comments.select_related("author")


@router.post("/cases/{case_id}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, case_id: int, payload: CommentIn) -> Status[CaseComment]:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    return Status(201, services.case_comment_add(actor=actor, case=case, body=payload.body))


@router.get("/cases/{case_id}/documents", response=list[DocumentOut])
@paginate(Page)
def list_documents(request: HttpRequest, case_id: int) -> object:
    return case_for(actor_of(request), case_id).documents.select_related("uploaded_by")


@router.post(
    "/cases/{case_id}/documents", response={201: DocumentOut}, summary="Attach a document (base64 body)"
)
def add_document(request: HttpRequest, case_id: int, payload: DocumentIn) -> Status[CaseDocument]:
    actor = actor_of(request)
    case = case_for(actor, case_id)  # the service checks what the actor may do with it
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(
            _("The content is not base64."), fields={"content_base64": _("Expected base64.")}
        ) from None
    return Status(
        201,
        services.case_document_add(
            actor=actor, case=case, filename=payload.filename, content=content, kind=payload.kind
        ),
    )
