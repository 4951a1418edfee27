"""JSON API for grievances.

Public (no authentication, no cookies, no address kept): `GET /public/grievances/challenge`, `POST
/public/grievances` (the receipt is in the answer, once), `POST /public/grievances/session` (the receipt
opens a 30-minute session) and the session's thread, replies, retaliation concern and satisfaction answer.
Officers (`grievances.view` / `grievances.handle`): `GET /grievances`, `GET /grievances/{id}` (decrypted,
ledgered) and the handling operations.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of, decode_base64
from conduct.apps.grievances import challenge, selectors, services
from conduct.apps.grievances.attachments import MAX_FILES, Upload
from conduct.apps.grievances.models import Grievance, Message

router = Router(tags=["grievances"])

POW = (
    "Abuse control without identifying anyone: fetch `GET /api/v1/public/grievances/challenge?purpose=...`, "
    "find a `nonce` such that SHA-256 of `<challenge>:<nonce>` begins with `bits` zero bits, and send both. "
    "Each challenge is good for one request within 10 minutes. With GRIEVANCE_CHALLENGE=0 (bits 0) both may "
    "be left empty. Limits: submissions and wrong receipts per hour across everyone (429 throttled); "
    "follow-up logins and messages per receipt per day (429)."
)

# --- public: the reporter ---------------------------------------------------------------------------


class GrievanceChallengeQuery(Schema):
    purpose: Literal["submit", "session"] = "submit"


class GrievanceChallengeOut(Schema):
    challenge: str
    bits: int = Field(..., description="Leading zero bits SHA-256(challenge:nonce) must have; 0: off")
    algorithm: str = "sha256"
    expires_at: datetime


class GrievanceAttachmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content: str = Field(..., description="The file, base64; JPEG, PNG, PDF or plain text")


class GrievanceIn(Schema):
    description: str = Field(..., min_length=1, max_length=20_000, description="What happened")
    relation: Literal["employee", "supplier_worker", "community", "customer", "other"] = "other"
    location: str = Field("", max_length=1_000, description="Where: org unit, supplier, site, or free text")
    occurred_on: date | None = None
    affected: str = Field("", max_length=2_000, description="Who is affected")
    involved: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="People involved (names or user names): they are never routed the report",
    )
    language: Literal["en", "zh-hans"] = "en"
    contact: str = Field("", max_length=300, description="Optional; an email address gets status mails")
    attachments: list[GrievanceAttachmentIn] = Field(default_factory=list, max_length=MAX_FILES)
    challenge: str = Field("", max_length=500)
    nonce: str = Field("", max_length=40)


class GrievanceReceiptOut(Schema):
    receipt: str = Field(..., description="16 digits: shown only now; the only way back to the report")
    status: str
    language: str
    received_at: datetime
    acknowledge_by: datetime
    feedback_by: datetime


class GrievanceSessionIn(Schema):
    receipt: str = Field(..., min_length=1, max_length=40)
    challenge: str = Field("", max_length=500)
    nonce: str = Field("", max_length=40)


class GrievanceSessionRef(Schema):
    session: str = Field(..., min_length=1, max_length=100)


class GrievanceReporterMessageIn(GrievanceSessionRef):
    body: str = Field(..., min_length=1, max_length=10_000)


class GrievanceSatisfactionIn(GrievanceSessionRef):
    score: int = Field(..., ge=1, le=5)
    remedy_accepted: bool | None = None
    comment: str = Field("", max_length=2_000)


class GrievanceThreadMessage(Schema):
    author: str
    kind: str
    body: str
    created_at: datetime


class GrievanceThreadOut(Schema):
    status: str
    language: str
    received_at: datetime
    acknowledged_at: datetime | None
    acknowledge_by: datetime
    feedback_by: datetime
    remedy_type: str
    remedy_accepted: bool | None
    satisfaction: int | None
    messages: list[GrievanceThreadMessage]


class GrievanceSessionOut(Schema):
    session: str
    expires_in_minutes: int
    grievance: GrievanceThreadOut


def _thread(session: str) -> dict[str, Any]:
    thread = selectors.reporter_thread(session=session)
    g = thread.grievance
    return {
        "status": g.status,
        "language": g.language,
        "received_at": g.received_at,
        "acknowledged_at": g.acknowledged_at,
        "acknowledge_by": g.acknowledge_by,
        "feedback_by": g.feedback_by,
        "remedy_type": g.remedy_type,
        "remedy_accepted": g.remedy_accepted,
        "satisfaction": g.satisfaction,
        "messages": thread.messages,
    }


@router.get(
    "/public/grievances/challenge",
    response=GrievanceChallengeOut,
    auth=None,
    summary="A proof-of-work challenge",
)
def public_challenge(request: HttpRequest, query: Query[GrievanceChallengeQuery]) -> challenge.Challenge:
    return challenge.challenge_issue(query.purpose)


@router.post(
    "/public/grievances",
    response={201: GrievanceReceiptOut},
    auth=None,
    summary="Make a report without an account (the receipt is shown once)",
    description=POW,
)
def public_submit(request: HttpRequest, payload: GrievanceIn) -> Status:
    uploads = [
        Upload(a.name, decode_base64(a.content, f"attachments[{i}].content"))
        for i, a in enumerate(payload.attachments)
    ]
    report = services.Report(
        description=payload.description,
        relation=payload.relation,
        location=payload.location,
        affected=payload.affected,
        involved=payload.involved,
        occurred_on=payload.occurred_on,
        language=payload.language,
        contact=payload.contact,
        channel="api",
        attachments=uploads,
    )
    grievance, receipt = services.grievance_submit(
        report=report, challenge=payload.challenge, nonce=payload.nonce
    )
    grievance.receipt = receipt  # type: ignore[attr-defined]  # this answer only
    return Status(201, grievance)


@router.post(
    "/public/grievances/session",
    response=GrievanceSessionOut,
    auth=None,
    summary="Come back with the receipt: a 30-minute session and the report's thread",
    description=POW,
)
def public_session(request: HttpRequest, payload: GrievanceSessionIn) -> dict[str, Any]:
    token, _grievance = services.reporter_session_open(
        receipt=payload.receipt, challenge=payload.challenge, nonce=payload.nonce
    )
    return {"session": token, "expires_in_minutes": 30, "grievance": _thread(token)}


@router.post(
    "/public/grievances/session/thread", response=GrievanceThreadOut, auth=None, summary="Read the thread"
)
def public_thread(request: HttpRequest, payload: GrievanceSessionRef) -> dict[str, Any]:
    return _thread(payload.session)


@router.post(
    "/public/grievances/session/messages",
    response={201: GrievanceThreadOut},
    auth=None,
    summary="Reply to the handlers",
)
def public_message(request: HttpRequest, payload: GrievanceReporterMessageIn) -> Status:
    services.reporter_message(session=payload.session, body=payload.body)
    return Status(201, _thread(payload.session))


@router.post(
    "/public/grievances/session/retaliation",
    response={201: GrievanceThreadOut},
    auth=None,
    summary="Raise a retaliation concern (flagged to the officers at once)",
)
def public_retaliation(request: HttpRequest, payload: GrievanceReporterMessageIn) -> Status:
    services.reporter_message(session=payload.session, body=payload.body, kind=Message.Kind.RETALIATION)
    return Status(201, _thread(payload.session))


@router.post(
    "/public/grievances/session/satisfaction",
    response=GrievanceThreadOut,
    auth=None,
    summary="Answer the satisfaction question (1-5) and accept the remedy or not",
)
def public_satisfaction(request: HttpRequest, payload: GrievanceSatisfactionIn) -> dict[str, Any]:
    services.reporter_satisfaction(
        session=payload.session,
        score=payload.score,
        remedy_accepted=payload.remedy_accepted,
        comment=payload.comment,
    )
    return _thread(payload.session)


# --- officers ----------------------------------------------------------------------------------------


class GrievanceSummaryOut(Schema):
    id: int
    status: str
    channel: str
    language: str
    relation: str
    dimension: str
    received_at: datetime
    acknowledge_by: datetime
    feedback_by: datetime
    acknowledged_at: datetime | None
    feedback_at: datetime | None
    closed_at: datetime | None
    supplier_id: int | None
    org_unit_id: int | None
    case_id: int | None
    remedy_type: str
    remedy_accepted: bool | None
    satisfaction: int | None
    retaliation_flagged_at: datetime | None


class GrievanceMessageOut(Schema):
    id: int
    author: str
    kind: str
    handler: str | None
    body: str
    created_at: datetime


class GrievanceAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class GrievanceOut(GrievanceSummaryOut):
    description: str
    location: str
    affected: str
    involved: str
    contact: str
    occurred_on: date | None
    status_reason: str
    remedy: str
    excluded: list[str]
    messages: list[GrievanceMessageOut]
    attachments: list[GrievanceAttachmentOut]


class GrievanceListQuery(Schema):
    status: Literal["", "received", "acknowledged", "investigating", "remedy", "no_finding", "closed"] = ""
    overdue: bool = False


def _detail(view: services.GrievanceView) -> dict[str, Any]:
    g = view.grievance
    out = {name: getattr(g, name) for name in GrievanceSummaryOut.model_fields}
    out.update(
        description=view.description,
        location=view.location,
        affected=view.affected,
        involved=view.involved,
        contact=view.contact,
        occurred_on=g.occurred_on,
        status_reason=view.status_reason,
        remedy=view.remedy,
        excluded=view.excluded,
        messages=[
            {
                "id": m.pk,
                "author": m.author,
                "kind": m.kind,
                "handler": m.handler.username if m.handler else None,
                "body": body,
                "created_at": m.created_at,
            }
            for m, body in view.messages
        ],
        attachments=[
            {"id": a.pk, "name": name, "content_type": a.content_type, "size": a.size}
            for a, name in view.attachments
        ],
    )
    return out


@router.get("/grievances", response=list[GrievanceSummaryOut], summary="Reports you may handle (no text)")
@paginate(Page)
def grievance_list(request: HttpRequest, filters: Query[GrievanceListQuery]) -> object:
    return selectors.grievance_list(actor=actor_of(request), status=filters.status, overdue=filters.overdue)


@router.get("/grievances/{grievance_id}", response=GrievanceOut, summary="A report, decrypted (ledgered)")
def grievance_detail(request: HttpRequest, grievance_id: DbId) -> dict[str, Any]:
    return _detail(services.grievance_read(actor=actor_of(request), grievance_id=grievance_id))


@router.get(
    "/grievances/{grievance_id}/attachments/{attachment_id}",
    response={200: None},
    summary="An attachment, decrypted (ledgered)",
)
def grievance_attachment(request: HttpRequest, grievance_id: DbId, attachment_id: DbId) -> HttpResponse:
    name, content_type, content = services.attachment_read(
        actor=actor_of(request), grievance_id=grievance_id, attachment_id=attachment_id
    )
    response = HttpResponse(content, content_type=content_type)
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-") or "attachment"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    return response


class GrievanceTransitionIn(Schema):
    to: Literal["acknowledged", "investigating", "remedy", "no_finding", "closed"]
    reason: str = Field(..., min_length=1, max_length=5000)
    dimension: Literal["product", "labour", "supply_chain"] | None = None


class GrievanceHandlerMessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=10_000)
    kind: Literal["message", "question", "feedback"] = "message"


class GrievanceRemedyIn(Schema):
    type: Literal["apology", "compensation", "reinstatement", "process_change", "other"]
    description: str = Field(..., min_length=1, max_length=5000)
    accepted: bool | None = None


class GrievanceLinkIn(Schema):
    supplier: DbId | None = None
    org_unit: DbId | None = None
    corrective_action: bool = False


class GrievanceEscalateIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, description="A title for the case (not the text)")
    dimension: Literal["product", "labour", "supply_chain"]
    rights: list[str] = Field(default_factory=list, max_length=20)


class GrievanceExclusionIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)


def _summary(g: Grievance) -> Grievance:
    return g


@router.post(
    "/grievances/{grievance_id}/transition", response=GrievanceSummaryOut, summary="Next workflow step"
)
def grievance_transition(
    request: HttpRequest, grievance_id: DbId, payload: GrievanceTransitionIn
) -> Grievance:
    return services.grievance_transition(
        actor=actor_of(request),
        grievance_id=grievance_id,
        to=payload.to,
        reason=payload.reason,
        dimension=payload.dimension,
    )


@router.post(
    "/grievances/{grievance_id}/messages", response={201: GrievanceMessageOut}, summary="Message the reporter"
)
def grievance_message(request: HttpRequest, grievance_id: DbId, payload: GrievanceHandlerMessageIn) -> Status:
    message = services.grievance_message(
        actor=actor_of(request), grievance_id=grievance_id, body=payload.body, kind=payload.kind
    )
    return Status(
        201,
        {
            "id": message.pk,
            "author": message.author,
            "kind": message.kind,
            "handler": message.handler.username if message.handler else None,
            "body": payload.body.strip(),
            "created_at": message.created_at,
        },
    )


@router.post("/grievances/{grievance_id}/remedy", response=GrievanceSummaryOut, summary="Record the remedy")
def grievance_remedy(request: HttpRequest, grievance_id: DbId, payload: GrievanceRemedyIn) -> Grievance:
    return services.grievance_remedy(
        actor=actor_of(request),
        grievance_id=grievance_id,
        remedy_type=payload.type,
        description=payload.description,
        accepted=payload.accepted,
    )


@router.post(
    "/grievances/{grievance_id}/link", response=GrievanceSummaryOut, summary="Link a supplier or an org unit"
)
def grievance_link(request: HttpRequest, grievance_id: DbId, payload: GrievanceLinkIn) -> Grievance:
    return services.grievance_link(
        actor=actor_of(request),
        grievance_id=grievance_id,
        supplier_id=payload.supplier,
        org_unit_id=payload.org_unit,
        corrective_action=payload.corrective_action,
    )


@router.post(
    "/grievances/{grievance_id}/escalate",
    response=GrievanceSummaryOut,
    summary="Escalate to a governance case (the title travels, not the text)",
)
def grievance_escalate(request: HttpRequest, grievance_id: DbId, payload: GrievanceEscalateIn) -> Grievance:
    return services.grievance_escalate(
        actor=actor_of(request),
        grievance_id=grievance_id,
        title=payload.title,
        dimension=payload.dimension,
        rights=payload.rights,
    )


@router.post(
    "/grievances/{grievance_id}/exclusions",
    response={201: dict[str, str]},
    summary="Exclude a person involved (never routed the report, cannot read it)",
)
def grievance_exclude(request: HttpRequest, grievance_id: DbId, payload: GrievanceExclusionIn) -> Status:
    exclusion = services.grievance_exclude(
        actor=actor_of(request), grievance_id=grievance_id, username=payload.username
    )
    return Status(201, {"username": exclusion.user.username, "source": exclusion.source})
