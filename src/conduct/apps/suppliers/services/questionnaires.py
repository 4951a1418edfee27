"""Questionnaires: the templates shipped in data/questionnaires, sending one to a supplier, the supplier
saving and submitting answers through the portal, and the compliance team accepting them or returning them
with comments.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.apps.suppliers import questionnaire as engine
from conduct.apps.suppliers.dates import DateProblem, parse_date
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import ANSWERABLE, QuestionnaireResponse, ResponseStatus, Supplier
from conduct.apps.suppliers.services._common import authorize_supplier, touch
from conduct.apps.suppliers.services.risk import risk_refresh
from conduct.datafiles import data_path, framework_library

DEFAULT_TEMPLATE = "sa8000-iso-basics"


def _signature(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yaml")))


def templates() -> dict[str, dict[str, Any]]:
    """Every questionnaire template shipped, by key (checked, with citations validated against the
    library)."""
    folder = data_path("questionnaires")
    return _load(str(folder), _signature(folder))


@lru_cache(maxsize=4)
def _load(folder: str, signature: tuple[tuple[str, int], ...]) -> dict[str, dict[str, Any]]:
    urns = framework_library().urns()
    found: dict[str, dict[str, Any]] = {}
    for name, _size in signature:
        template = engine.load_template(Path(folder) / name, known_urns=urns)
        found[template["key"]] = template
    return found


def template_get(key: str) -> dict[str, Any]:
    template = templates().get(key)
    if template is None:
        raise NotFound(_("No questionnaire template %(key)s.") % {"key": repr(key)})
    return template


@transaction.atomic
def questionnaire_send(
    *, actor: Actor, supplier: Supplier, template_key: str = DEFAULT_TEMPLATE, due_date: Any = None
) -> QuestionnaireResponse:
    authorize_supplier(actor, "questionnaires.send", supplier)
    template = templates().get(template_key)
    if template is None:
        raise Invalid(
            _("Unknown questionnaire."),
            fields={"template": _("Expected one of %(templates)s.") % {"templates": ", ".join(templates())}},
        )
    try:
        due = parse_date(due_date)
    except DateProblem as exc:
        raise Invalid(_("The due date is not valid."), fields={"due_date": str(exc)}) from None
    if due is not None and due < timezone.localdate():
        raise Invalid(
            _("The due date is in the past."), fields={"due_date": _("Choose a date from today on.")}
        )
    if supplier.questionnaires.filter(template_key=template_key, status__in=ANSWERABLE).exists():
        raise Conflict(
            _("%(name)s already has this questionnaire to answer.") % {"name": supplier.name},
            fields={"template": _("Already sent and not yet submitted.")},
        )
    response = QuestionnaireResponse.objects.create(
        supplier=supplier,
        template_key=template_key,
        template_version=template["version"],
        template=template,
        due_date=due,
        sent_by=actor if isinstance(actor, User) else None,
    )
    touch(supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction.QUESTIONNAIRE_SEND,
        object_type="questionnaire_response",
        object_id=response.pk,
        summary={
            "supplier": supplier.pk,
            "template": template_key,
            "version": template["version"],
            "due_date": due,
        },
    )
    return response


def _answerable(response: QuestionnaireResponse) -> None:
    if response.status not in ANSWERABLE:
        raise Conflict(
            _("The questionnaire is %(lower)s; it can no longer be changed.")
            % {"lower": response.get_status_display().lower()},
            fields={"status": response.status},
        )


@transaction.atomic
def questionnaire_save(
    *, actor: Actor, response: QuestionnaireResponse, answers: dict[str, Any], submit: bool = False
) -> QuestionnaireResponse:
    """Save answers (merged into those saved before); with submit=True, every shown required question must be
    answered and the response goes to review. Nothing is saved when any answer is invalid."""
    authorize_supplier(actor, "questionnaires.answer", response.supplier)
    _answerable(response)
    if not isinstance(answers, dict):
        raise Invalid(
            _("Answers are a mapping of question id to answer."), fields={"answers": _("Expected an object.")}
        )
    merged = {**response.answers, **answers}
    clean, errors = engine.clean_answers(response.template, merged, complete=submit)
    if errors:
        raise Invalid(
            _("Some answers need attention.") if submit else _("Some answers are not valid."),
            fields={f"answers.{k}": v for k, v in errors.items()},
        )
    response.answers = clean
    response.score, response.section_scores, response.flags = engine.score(response.template, clean)
    before = response.status
    response.status = ResponseStatus.SUBMITTED if submit else ResponseStatus.DRAFT
    if submit:
        response.submitted_at = timezone.now()
        response.submitted_by = actor if isinstance(actor, User) else None
    response.save()
    touch(response.supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction.QUESTIONNAIRE_SUBMIT if submit else "questionnaire.save",
        object_type="questionnaire_response",
        object_id=response.pk,
        summary={
            "supplier": response.supplier_id,
            "answered": len(clean),
            "score": response.score,
            "flags": len(response.flags),
            "status": [before, response.status],
        },
    )
    if submit:
        risk_refresh([response.supplier_id])
    return response


@transaction.atomic
def questionnaire_review(
    *,
    actor: Actor,
    response: QuestionnaireResponse,
    decision: str,
    comment: str = "",
    question_comments: dict[str, str] | None = None,
) -> QuestionnaireResponse:
    """accept, or return the answers to the supplier with comments (overall and per question)."""
    authorize_supplier(actor, "questionnaires.review", response.supplier)
    if response.status != ResponseStatus.SUBMITTED:
        raise Conflict(
            _("Only a submitted questionnaire can be reviewed."), fields={"status": response.status}
        )
    if decision not in ("accept", "return"):
        raise Invalid(
            _("Accept or return the answers."), fields={"decision": _("Expected accept or return.")}
        )
    notes = {k: str(v).strip() for k, v in (question_comments or {}).items() if str(v).strip()}
    known = {q["id"] for q in engine.questions(response.template)}
    unknown = sorted(set(notes) - known)
    if unknown:
        raise Invalid(
            _("Comments on questions that are not in the questionnaire."),
            fields={f"question_comments.{k}": "No such question." for k in unknown},
        )
    if decision == "return" and not (comment or "").strip() and not notes:
        raise Invalid(
            _("Say what needs changing when returning the answers."), fields={"comment": _("Required.")}
        )
    response.status = ResponseStatus.ACCEPTED if decision == "accept" else ResponseStatus.RETURNED
    response.reviewed_by = actor if isinstance(actor, User) else None
    response.reviewed_at = timezone.now()
    response.review_comment = (comment or "").strip()
    response.question_comments = notes
    response.save()
    touch(response.supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction(f"questionnaire.{decision}"),
        object_type="questionnaire_response",
        object_id=response.pk,
        summary={"supplier": response.supplier_id, "score": response.score, "comments": len(notes)},
    )
    risk_refresh([response.supplier_id])
    return response
