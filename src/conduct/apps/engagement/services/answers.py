"""The answer to a regulator's question: drafted, reviewed by the legal department, approved by the officer,
then marked sent. The sent text is final: it is ledgered with its SHA-256 and no service changes it again.

    draft --submit--> legal_review --legal_approve--> officer_review --approve--> approved --send--> sent
      ^                    |                               |
      +----legal_return----+-----------return--------------+
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.engagement.conf import legal_unit_code
from conduct.apps.engagement.models import Correspondence, Direction, Question
from conduct.apps.engagement.services._common import EngagementAction, clean_text, user_of
from conduct.apps.errors import Conflict, Invalid, raise_if

Status = Question.Status
# The states, as the plain strings stored (the choices enum is for labels).
DRAFT, LEGAL_REVIEW, OFFICER_REVIEW, APPROVED, SENT = (
    "draft",
    "legal_review",
    "officer_review",
    "approved",
    "sent",
)
REVIEW_ACTIONS = ("submit", "legal_approve", "legal_return", "approve", "return", "send")


def legal_unit() -> OrgUnit:
    """The legal department (settings ENGAGEMENT_LEGAL_UNIT); Conflict when no such unit exists."""
    code = legal_unit_code()
    unit = OrgUnit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise Conflict(
            _("No legal department: the org unit %(code)s (ENGAGEMENT_LEGAL_UNIT) does not exist.")
            % {"code": code},
            code="no_legal_unit",
        )
    return unit


def _locked(question: Question) -> Question:
    return (
        Question.objects.select_related("correspondence__owner_unit")
        .select_for_update(of=("self",))
        .get(pk=question.pk)
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refuse_unless(question: Question, *wanted: str) -> None:
    if question.status == SENT:
        raise Conflict(_("The answer has been sent; its text is final."), code="answer_sent")
    if question.status not in wanted:
        raise Conflict(
            _("The answer is %(status)s; this step needs it %(wanted)s.")
            % {
                "status": question.get_status_display(),
                "wanted": _(" or ").join(str(Status(w).label) for w in wanted),
            },
            code="wrong_step",
        )


def _ledger(actor: Actor, action: EngagementAction, question: Question, **extra: object) -> None:
    ledger_append(
        actor=actor,
        action=action,
        object_type="question",
        object_id=question.pk,
        summary={
            "correspondence": question.correspondence_id,
            "number": question.number,
            "status": question.status,
            "answer_sha256": _sha(question.answer),
            **extra,
        },
    )


@transaction.atomic
def answer_draft(*, actor: Actor, question: Question, text: str) -> Question:
    """Write (or rewrite) the draft answer. Only a draft is edited: in review it must be returned first, and
    a sent answer is never edited (Conflict)."""
    authorize(actor, "engagement.write", unit=question.correspondence.owner_unit)
    question = _locked(question)
    errors: dict[str, str] = {}
    text = clean_text(text, "answer", errors, limit=50_000)
    raise_if(errors, _("The answer is not valid."))
    _refuse_unless(question, DRAFT)
    question.answer = text
    question.drafted_by = user_of(actor)
    question.save(update_fields=["answer", "drafted_by"])
    _ledger(actor, EngagementAction.ANSWER_DRAFT, question)
    return question


def _step(
    question: Question, action: str, actor: Actor, note: str, sent_in: Correspondence | None
) -> tuple[EngagementAction, dict[str, object]]:
    """Move the (locked) question one step; Conflict when `action` does not follow its state."""
    now = timezone.now()
    extra: dict[str, object] = {"note": note} if note else {}
    if action == "submit":
        _refuse_unless(question, DRAFT)
        if not question.answer.strip():
            raise Invalid(_("Draft the answer first."), fields={"answer": _("Required.")})
        question.status, question.returned_note = LEGAL_REVIEW, ""
        return EngagementAction.ANSWER_SUBMIT, extra
    if action == "legal_approve":
        _refuse_unless(question, LEGAL_REVIEW)
        question.status = OFFICER_REVIEW
        question.legal_reviewed_by, question.legal_reviewed_at = user_of(actor), now
        return EngagementAction.ANSWER_LEGAL_APPROVE, extra
    if action == "legal_return":
        _refuse_unless(question, LEGAL_REVIEW)
        question.status, question.returned_note = DRAFT, note
        return EngagementAction.ANSWER_LEGAL_RETURN, extra
    if action == "approve":
        _refuse_unless(question, OFFICER_REVIEW)
        question.status = APPROVED
        question.approved_by, question.approved_at = user_of(actor), now
        return EngagementAction.ANSWER_APPROVE, extra
    if action == "return":
        _refuse_unless(question, OFFICER_REVIEW, APPROVED)
        question.status, question.returned_note = DRAFT, note
        question.legal_reviewed_by = question.legal_reviewed_at = None
        question.approved_by = question.approved_at = None
        return EngagementAction.ANSWER_RETURN, extra
    _refuse_unless(question, APPROVED)  # send
    question.status = SENT
    question.sent_at, question.sent_in = now, sent_in
    question.sent_sha256 = _sha(question.answer)
    extra["sent_in"] = sent_in.pk if sent_in else None
    return EngagementAction.ANSWER_SEND, extra


@transaction.atomic
def answer_review(
    *, actor: Actor, question: Question, action: str, note: str = "", sent_in: Correspondence | None = None
) -> Question:
    """One step of the review (`action` in REVIEW_ACTIONS); a step out of order is a Conflict naming the
    answer's state. A return needs a note; `send` may name the outgoing letter the answer went in."""
    if action not in REVIEW_ACTIONS:
        raise Invalid(
            _("Unknown review step."),
            fields={"action": _("Expected one of %(choices)s.") % {"choices": ", ".join(REVIEW_ACTIONS)}},
        )
    owner = question.correspondence.owner_unit
    if action == "submit":
        authorize(actor, "engagement.write", unit=owner)
    elif action in ("legal_approve", "legal_return"):
        authorize(actor, "engagement.legal_review", unit=legal_unit())
    else:
        authorize(actor, "engagement.approve", unit=owner)
    question = _locked(question)
    errors: dict[str, str] = {}
    note = clean_text(note, "note", errors, limit=5000, required=action in ("legal_return", "return"))
    replies_to_it = sent_in is not None and (
        sent_in.direction == Direction.OUT and sent_in.in_reply_to_id == question.correspondence_id
    )
    if sent_in is not None and action == "send" and not replies_to_it:
        errors["sent_in"] = _("The answer is sent in a letter out that replies to the question's letter.")
    raise_if(errors, _("The review step is not valid."))
    step, extra = _step(question, action, actor, note, sent_in)
    question.save()
    _ledger(actor, step, question, **extra)
    return question
