"""JSON API for correspondence and commitments: counterparts, letters and meetings with their documents,
questions and the answers' review, partner letters' acknowledgements, commitments with their status and
evidence, and CSV exports (/api/v1/counterparts, /api/v1/correspondence, /api/v1/commitments)."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of, decode_base64
from conduct.apps.engagement import selectors, services
from conduct.apps.engagement.models import (
    Commitment,
    CommitmentStatus,
    Correspondence,
    CounterpartKind,
    EvidenceKind,
    Question,
)

router = Router(tags=["engagement"])


def _csv_response(name: str, text: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate().isoformat()}.csv"'
    return response


# --- counterparts ----------------------------------------------------------------------------------


class CounterpartOut(Schema):
    id: int
    kind: str
    name: str
    country: str
    contact: str
    notes: str


class CounterpartIn(Schema):
    kind: str = Field(..., max_length=24, description=", ".join(CounterpartKind.values))
    name: str = Field(..., max_length=300)
    country: str = Field(..., max_length=2, description="ISO 3166-1 alpha-2")
    contact: str = Field("", max_length=300)
    notes: str = Field("", max_length=10_000)


class CounterpartPatch(Schema):
    kind: str | None = Field(None, max_length=24)
    name: str | None = Field(None, max_length=300)
    country: str | None = Field(None, max_length=2)
    contact: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=10_000)


class CounterpartQuery(Schema):
    kind: str = Field("", max_length=24)
    q: str = Field("", max_length=100, description="Name contains")


@router.get("/counterparts", response=list[CounterpartOut], summary="Regulators, investigators, partners ...")
@paginate(Page)
def counterparts(request: HttpRequest, filters: Query[CounterpartQuery]) -> object:
    return selectors.counterpart_list(actor=actor_of(request), kind=filters.kind, q=filters.q)


@router.post("/counterparts", response={201: CounterpartOut}, summary="Record a counterpart")
def counterpart_create(request: HttpRequest, payload: CounterpartIn) -> Status:
    return Status(201, services.counterpart_create(actor=actor_of(request), **payload.dict()))


@router.get("/counterparts/{counterpart_id}", response=CounterpartOut)
def counterpart(request: HttpRequest, counterpart_id: DbId) -> object:
    return selectors.counterpart_get(actor=actor_of(request), counterpart_id=counterpart_id)


@router.patch("/counterparts/{counterpart_id}", response=CounterpartOut, summary="Change a counterpart")
def counterpart_update(request: HttpRequest, counterpart_id: DbId, payload: CounterpartPatch) -> object:
    actor = actor_of(request)
    found = selectors.counterpart_get(actor=actor, counterpart_id=counterpart_id)
    return services.counterpart_update(actor=actor, counterpart=found, **payload.dict(exclude_unset=True))


# --- correspondence --------------------------------------------------------------------------------


class QuestionOut(Schema):
    id: int
    number: int
    text: str
    answer: str
    status: str
    returned_note: str
    drafted_by: str | None
    legal_reviewed_by: str | None
    legal_reviewed_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    sent_in: int | None = Field(None, alias="sent_in_id")
    sent_at: dt.datetime | None
    sent_sha256: str

    @staticmethod
    def resolve_drafted_by(obj: Question) -> str | None:
        return obj.drafted_by.username if obj.drafted_by else None

    @staticmethod
    def resolve_legal_reviewed_by(obj: Question) -> str | None:
        return obj.legal_reviewed_by.username if obj.legal_reviewed_by else None

    @staticmethod
    def resolve_approved_by(obj: Question) -> str | None:
        return obj.approved_by.username if obj.approved_by else None


class LetterDocumentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class RecipientOut(Schema):
    counterpart: int = Field(..., alias="counterpart_id")
    name: str = Field(..., alias="counterpart.name")
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    acknowledged_how: str


class CorrespondenceOut(Schema):
    id: int
    direction: str
    kind: str
    date: dt.date
    channel: str
    subject: str
    summary: str
    reference: str
    counterpart: int | None = Field(None, alias="counterpart_id")
    counterpart_name: str | None
    in_reply_to: int | None = Field(None, alias="in_reply_to_id")
    owner_unit: str = Field(..., alias="owner_unit.code")

    @staticmethod
    def resolve_counterpart_name(obj: Correspondence) -> str | None:
        return obj.counterpart.name if obj.counterpart else None


class CorrespondenceDetailOut(CorrespondenceOut):
    questions: list[QuestionOut] = Field(..., alias="questions_out")
    documents: list[LetterDocumentOut] = Field(..., alias="documents_out")
    recipients: list[RecipientOut] = Field(..., alias="recipients_out")
    not_acknowledged: list[str]
    thread: list[int] = Field(..., alias="thread_ids")


class CorrespondenceIn(Schema):
    direction: Literal["in", "out"]
    kind: Literal["letter", "meeting"] = "letter"
    date: dt.date
    channel: str = Field(..., max_length=12, description="post, email, portal, in_person or video")
    subject: str = Field(..., max_length=300)
    summary: str = Field("", max_length=20_000)
    reference: str = Field("", max_length=100)
    counterpart: int | None = Field(None, description="The counterpart's id (not for a letter to partners)")
    recipients: list[int] = Field([], max_length=500, description="A letter to partners: their ids")
    in_reply_to: int | None = Field(None, description="The letter this one answers")
    owner_unit: str = Field(..., max_length=64, description="The owning org unit's code")
    questions: list[str] = Field([], max_length=200, description="Questions a received letter raises")


class CorrespondenceQuery(Schema):
    counterpart: int | None = Field(None, ge=1, le=2**63 - 1)
    direction: Literal["", "in", "out"] = ""


class LetterDocumentIn(Schema):
    filename: str = Field(..., max_length=300)
    content: str = Field(..., description="The file, base64 (the request is at most MAX_REQUEST_BYTES)")


class QuestionIn(Schema):
    text: str = Field(..., max_length=10_000)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=50_000)


class AnswerReviewIn(Schema):
    action: str = Field(..., max_length=20, description=", ".join(services.REVIEW_ACTIONS))
    note: str = Field("", max_length=5000)
    sent_in: int | None = Field(None, description="send: the outgoing letter the answer went in")


class AcknowledgeIn(Schema):
    counterpart: int
    by: str = Field(..., max_length=200, description="Who acknowledged it, at the partner")
    how: str = Field(..., max_length=200, description="Signed copy, email, portal ...")


def _detail(request: HttpRequest, item: Correspondence) -> Correspondence:
    """The letter with what its detail shows (questions, documents, recipients, its thread) attached."""
    recipients = selectors.recipients_of(item)
    item.questions_out = list(selectors.questions_of(item))  # type: ignore[attr-defined]
    item.documents_out = list(item.documents.all())  # type: ignore[attr-defined]
    item.recipients_out = recipients  # type: ignore[attr-defined]
    item.not_acknowledged = [r.counterpart.name for r in recipients if r.acknowledged_at is None]  # type: ignore[attr-defined]
    item.thread_ids = [c.pk for c in selectors.thread(actor=actor_of(request), item=item)]  # type: ignore[attr-defined]
    return item


@router.get("/correspondence", response=list[CorrespondenceOut], summary="Letters and meetings you may see")
@paginate(Page)
def correspondence(request: HttpRequest, filters: Query[CorrespondenceQuery]) -> object:
    return selectors.correspondence_list(
        actor=actor_of(request), counterpart_id=filters.counterpart, direction=filters.direction
    )


@router.get("/correspondence/export", response={200: None}, summary="Correspondence as CSV")
def correspondence_export(request: HttpRequest) -> HttpResponse:
    return _csv_response("correspondence", selectors.correspondence_csv(actor=actor_of(request)))


@router.post("/correspondence", response={201: CorrespondenceDetailOut}, summary="Record a letter or meeting")
def correspondence_create(request: HttpRequest, payload: CorrespondenceIn) -> Status:
    actor = actor_of(request)
    unit = selectors.unit_named(actor=actor, code=payload.owner_unit)
    counterpart = (
        selectors.counterpart_named(actor=actor, counterpart_id=payload.counterpart, field="counterpart")
        if payload.counterpart is not None
        else None
    )
    recipients = [
        selectors.counterpart_named(actor=actor, counterpart_id=pk, field="recipients")
        for pk in payload.recipients
    ]
    parent = (
        selectors.correspondence_for(actor=actor, correspondence_id=payload.in_reply_to, field="in_reply_to")
        if payload.in_reply_to is not None
        else None
    )
    item = services.correspondence_create(
        actor=actor,
        owner_unit=unit,
        counterpart=counterpart,
        recipients=recipients,
        in_reply_to=parent,
        questions=payload.questions,
        **payload.dict(include={"direction", "kind", "date", "channel", "subject", "summary", "reference"}),
    )
    return Status(201, _detail(request, item))


@router.get("/correspondence/{correspondence_id}", response=CorrespondenceDetailOut)
def correspondence_detail(request: HttpRequest, correspondence_id: DbId) -> Correspondence:
    item = selectors.correspondence_get(actor=actor_of(request), correspondence_id=correspondence_id)
    return _detail(request, item)


@router.post(
    "/correspondence/{correspondence_id}/documents",
    response={201: LetterDocumentOut},
    summary="Attach a document (PDF, image, DOCX, ODT, EML or text; base64)",
)
def document_add(request: HttpRequest, correspondence_id: DbId, payload: LetterDocumentIn) -> Status:
    actor = actor_of(request)
    item = selectors.correspondence_get(actor=actor, correspondence_id=correspondence_id)
    content = decode_base64(payload.content, "content")
    return Status(
        201,
        services.document_add(actor=actor, correspondence=item, filename=payload.filename, content=content),
    )


@router.post(
    "/correspondence/{correspondence_id}/questions",
    response={201: QuestionOut},
    summary="Add a question a received letter raises",
)
def question_add(request: HttpRequest, correspondence_id: DbId, payload: QuestionIn) -> Status:
    actor = actor_of(request)
    item = selectors.correspondence_get(actor=actor, correspondence_id=correspondence_id)
    return Status(201, services.question_add(actor=actor, correspondence=item, text=payload.text))


@router.post(
    "/correspondence/{letter_id}/acknowledgements",
    response=RecipientOut,
    summary="Record a partner's acknowledgement of a letter",
)
def acknowledge(request: HttpRequest, letter_id: DbId, payload: AcknowledgeIn) -> object:
    actor = actor_of(request)
    item = selectors.correspondence_get(actor=actor, correspondence_id=letter_id)
    partner = selectors.counterpart_named(
        actor=actor, counterpart_id=payload.counterpart, field="counterpart"
    )
    return services.letter_acknowledge(
        actor=actor, correspondence=item, counterpart=partner, by=payload.by, how=payload.how
    )


@router.put("/questions/{question_id}/answer", response=QuestionOut, summary="Draft (or redraft) the answer")
def answer_draft(request: HttpRequest, question_id: DbId, payload: AnswerIn) -> object:
    actor = actor_of(request)
    question = selectors.question_get(actor=actor, question_id=question_id)
    return services.answer_draft(actor=actor, question=question, text=payload.answer)


@router.post(
    "/questions/{question_id}/review",
    response=QuestionOut,
    summary="A review step: submit, legal_approve, legal_return, approve, return or send",
)
def answer_review(request: HttpRequest, question_id: DbId, payload: AnswerReviewIn) -> object:
    actor = actor_of(request)
    question = selectors.question_get(actor=actor, question_id=question_id)
    sent_in = (
        selectors.correspondence_for(actor=actor, correspondence_id=payload.sent_in, field="sent_in")
        if payload.sent_in is not None
        else None
    )
    return services.answer_review(
        actor=actor, question=question, action=payload.action, note=payload.note, sent_in=sent_in
    )


# --- commitments -----------------------------------------------------------------------------------


class CommitmentEvidenceOut(Schema):
    id: int
    kind: str
    target_id: int
    note: str
    added_at: dt.datetime


class CommitmentOut(Schema):
    id: int
    made_in: str
    correspondence: int | None = Field(None, alias="correspondence_id")
    text: str
    owner_unit: str = Field(..., alias="owner_unit.code")
    due_date: dt.date
    status: str
    overdue: bool
    drop_reason: str
    public: bool
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_overdue(obj: Commitment) -> bool:
        return obj.is_overdue()


class CommitmentDetailOut(CommitmentOut):
    evidence: list[CommitmentEvidenceOut]

    @staticmethod
    def resolve_evidence(obj: Commitment) -> list[Any]:
        return list(obj.evidence.all())


class CommitmentIn(Schema):
    made_in: Literal["letter", "report", "meeting"]
    correspondence: int | None = Field(None, description="The letter or meeting it was made in")
    text: str = Field(..., max_length=5000)
    owner_unit: str = Field(..., max_length=64)
    due_date: dt.date
    public: bool = False


class CommitmentPatch(Schema):
    text: str | None = Field(None, max_length=5000)
    due_date: dt.date | None = None
    public: bool | None = None
    owner_unit: str | None = Field(None, max_length=64)


class CommitmentStatusIn(Schema):
    status: str = Field(..., max_length=12, description=", ".join(CommitmentStatus.values))
    reason: str = Field("", max_length=5000, description="Why it is dropped (required to drop)")


class CommitmentEvidenceIn(Schema):
    kind: str = Field(..., max_length=16, description=", ".join(EvidenceKind.values))
    target_id: int = Field(..., ge=1, le=2**63 - 1)
    note: str = Field("", max_length=500)


class CommitmentQuery(Schema):
    status: str = Field("", max_length=12, description="overdue, open, in_progress, done or dropped")
    owner_unit: str = Field("", max_length=64)


@router.get("/commitments", response=list[CommitmentOut], summary="Commitments you may see")
@paginate(Page)
def commitments(request: HttpRequest, filters: Query[CommitmentQuery]) -> object:
    return selectors.commitment_list(
        actor=actor_of(request), status=filters.status, owner_unit=filters.owner_unit
    )


@router.get(
    "/commitments/export", response={200: None}, summary="Commitments as CSV (with the status filter)"
)
def commitments_export(request: HttpRequest, filters: Query[CommitmentQuery]) -> HttpResponse:
    return _csv_response(
        "commitments", selectors.commitment_csv(actor=actor_of(request), status=filters.status)
    )


@router.post("/commitments", response={201: CommitmentDetailOut}, summary="Record a commitment")
def commitment_create(request: HttpRequest, payload: CommitmentIn) -> Status:
    actor = actor_of(request)
    unit = selectors.unit_named(actor=actor, code=payload.owner_unit)
    letter = (
        selectors.correspondence_for(
            actor=actor, correspondence_id=payload.correspondence, field="correspondence"
        )
        if payload.correspondence is not None
        else None
    )
    item = services.commitment_create(
        actor=actor,
        owner_unit=unit,
        correspondence=letter,
        **payload.dict(include={"made_in", "text", "due_date", "public"}),
    )
    return Status(201, item)


@router.get("/commitments/{commitment_id}", response=CommitmentDetailOut)
def commitment(request: HttpRequest, commitment_id: DbId) -> object:
    return selectors.commitment_get(actor=actor_of(request), commitment_id=commitment_id)


@router.patch(
    "/commitments/{commitment_id}", response=CommitmentDetailOut, summary="Change an open commitment"
)
def commitment_update(request: HttpRequest, commitment_id: DbId, payload: CommitmentPatch) -> object:
    actor = actor_of(request)
    item = selectors.commitment_get(actor=actor, commitment_id=commitment_id)
    fields = payload.dict(exclude_unset=True)
    unit_code = fields.pop("owner_unit", None)
    unit = selectors.unit_named(actor=actor, code=unit_code) if unit_code is not None else None
    return services.commitment_update(actor=actor, commitment=item, owner_unit=unit, **fields)


@router.post(
    "/commitments/{commitment_id}/status",
    response=CommitmentDetailOut,
    summary="Move a commitment: open, in_progress, done (needs evidence) or dropped (needs a reason)",
)
def commitment_status(request: HttpRequest, commitment_id: DbId, payload: CommitmentStatusIn) -> object:
    actor = actor_of(request)
    item = selectors.commitment_get(actor=actor, commitment_id=commitment_id)
    return services.commitment_set_status(
        actor=actor, commitment=item, status=payload.status, reason=payload.reason
    )


@router.post(
    "/commitments/{commitment_id}/evidence",
    response={201: CommitmentEvidenceOut},
    summary="Link a case, gate decision, correspondence document or control as evidence",
)
def commitment_evidence(request: HttpRequest, commitment_id: DbId, payload: CommitmentEvidenceIn) -> Status:
    actor = actor_of(request)
    item = selectors.commitment_get(actor=actor, commitment_id=commitment_id)
    return Status(
        201,
        services.commitment_add_evidence(
            actor=actor, commitment=item, kind=payload.kind, target_id=payload.target_id, note=payload.note
        ),
    )
