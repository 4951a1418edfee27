"""Questionnaire templates, and the responses: send, answer (the supplier), review."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import (
    exporting,
    questionnaire,
    selectors,
    services,
)
from conduct.apps.suppliers.api import router
from conduct.apps.suppliers.api._common import (
    Format,
)
from conduct.apps.suppliers.models import (
    QuestionnaireResponse,
)


class QuestionnaireTemplateOut(Schema):
    key: str
    version: str
    title: str
    questions: int


@router.get("/questionnaires/templates", response=list[QuestionnaireTemplateOut], tags=["questionnaires"])
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": t["key"],
            "version": t["version"],
            "title": t["title"],
            "questions": sum(len(s["questions"]) for s in t["sections"]),
        }
        for t in selectors.questionnaire_templates(actor=actor_of(request)).values()
    ]


@router.get("/questionnaires/templates/{template_key}", response=dict[str, Any], tags=["questionnaires"])
def get_template(request: HttpRequest, template_key: str) -> dict[str, Any]:
    return selectors.questionnaire_template_for(actor=actor_of(request), key=template_key)


class QuestionnaireResponseOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    template_key: str
    template_version: str
    title: str
    status: str
    score: float | None
    due_date: date | None
    sent_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_supplier(obj: QuestionnaireResponse) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_title(obj: QuestionnaireResponse) -> str:
        return obj.template_key if "template" in obj.get_deferred_fields() else obj.title


class QuestionnaireResponseDetailOut(QuestionnaireResponseOut):
    template: dict[str, Any]
    answers: dict[str, Any]
    section_scores: dict[str, float]
    flags: list[dict[str, Any]]
    review_comment: str
    question_comments: dict[str, str]


@router.get("/questionnaire-responses", response=list[QuestionnaireResponseOut], tags=["questionnaires"])
@paginate(Page)
def list_responses(
    request: HttpRequest,
    supplier: DbId | None = None,
    status: Literal["sent", "draft", "submitted", "returned", "accepted"] | None = None,
) -> object:
    return selectors.response_index(actor=actor_of(request), supplier=supplier, status=status)


@router.get(
    "/questionnaire-responses/export",
    tags=["questionnaires"],
    response={200: None},
    summary="Questionnaires as CSV or XLSX",
)
def export_responses(
    request: HttpRequest,
    supplier: DbId | None = None,
    status: Literal["sent", "draft", "submitted", "returned", "accepted"] | None = None,
    format: Format = "csv",
) -> HttpResponse:
    rows = selectors.response_index(actor=actor_of(request), supplier=supplier, status=status)
    return exporting.export_response("questionnaires", exporting.RESPONSE_COLUMNS, rows, format)


class QuestionnaireSendIn(Schema):
    template: str = Field("sa8000-iso-basics", max_length=80)
    due_date: str | None = Field(None, max_length=40)


@router.post(
    "/suppliers/{supplier_id}/questionnaires",
    response={201: QuestionnaireResponseDetailOut},
    tags=["questionnaires"],
    summary="Send a questionnaire for the supplier to answer in the portal",
)
def send_questionnaire(request: HttpRequest, supplier_id: int, payload: QuestionnaireSendIn) -> Status:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="questionnaires.send")
    response = services.questionnaire_send(
        actor=actor, supplier=supplier, template_key=payload.template, due_date=payload.due_date
    )
    return Status(201, response)


@router.get(
    "/questionnaire-responses/{response_id}", response=QuestionnaireResponseDetailOut, tags=["questionnaires"]
)
def get_response(request: HttpRequest, response_id: int) -> QuestionnaireResponse:
    return selectors.response_for(actor=actor_of(request), response_id=response_id)


class QuestionnaireAnswersIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description="question id -> answer (yes/no, option value, number, text, date)"
    )
    submit: bool = Field(
        False, description="Submit for review (every shown required question must be answered)"
    )


@router.patch(
    "/questionnaire-responses/{response_id}",
    response=QuestionnaireResponseDetailOut,
    tags=["questionnaires"],
    summary="Save answers (the supplier, through its portal login), and optionally submit them",
)
def answer_questionnaire(
    request: HttpRequest, response_id: int, payload: QuestionnaireAnswersIn
) -> QuestionnaireResponse:
    actor = actor_of(request)
    response = selectors.response_for(actor=actor, response_id=response_id)
    # Answers to questions that do not exist are malformed whoever sends them; only then does the service ask
    # whose turn it is (questionnaires.answer: the supplier's).
    unknown = sorted(set(payload.answers) - {q["id"] for q in questionnaire.questions(response.template)})
    if unknown:
        raise Invalid(
            _("Answers to questions that are not in the questionnaire."),
            fields={f"answers.{k}": "There is no such question in this questionnaire." for k in unknown},
        )
    return services.questionnaire_save(
        actor=actor, response=response, answers=payload.answers, submit=payload.submit
    )


class QuestionnaireReviewIn(Schema):
    decision: Literal["accept", "return"]
    comment: str = Field("", max_length=10000)
    question_comments: dict[str, str] = Field(default_factory=dict)


@router.post(
    "/questionnaire-responses/{response_id}/review",
    response=QuestionnaireResponseDetailOut,
    tags=["questionnaires"],
    summary="Accept submitted answers, or return them to the supplier with comments",
)
def review_questionnaire(
    request: HttpRequest, response_id: int, payload: QuestionnaireReviewIn
) -> QuestionnaireResponse:
    actor = actor_of(request)
    response = selectors.response_for(
        actor=actor, response_id=response_id, permission="questionnaires.review"
    )
    return services.questionnaire_review(
        actor=actor,
        response=response,
        decision=payload.decision,
        comment=payload.comment,
        question_comments=payload.question_comments,
    )
