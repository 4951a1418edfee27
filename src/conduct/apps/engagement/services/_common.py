"""What the engagement services share: the ledger's action names, text and date cleaning, the actor's user."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User


class EngagementAction(StrEnum):
    """Ledger action names of the engagement module."""

    COUNTERPART_CREATE = "counterpart.create"
    COUNTERPART_UPDATE = "counterpart.update"
    CORRESPONDENCE_CREATE = "correspondence.create"
    CORRESPONDENCE_DOCUMENT = "correspondence.document"
    QUESTION_ADD = "question.add"
    ANSWER_DRAFT = "answer.draft"
    ANSWER_SUBMIT = "answer.submit"
    ANSWER_LEGAL_APPROVE = "answer.legal_approve"
    ANSWER_LEGAL_RETURN = "answer.legal_return"
    ANSWER_APPROVE = "answer.approve"
    ANSWER_RETURN = "answer.return"
    ANSWER_SEND = "answer.send"
    LETTER_ACKNOWLEDGE = "letter.acknowledge"
    COMMITMENT_CREATE = "commitment.create"
    COMMITMENT_UPDATE = "commitment.update"
    COMMITMENT_STATUS = "commitment.status"
    COMMITMENT_EVIDENCE = "commitment.evidence"
    COMMITMENT_ESCALATE = "commitment.escalate"


def user_of(actor: Actor) -> User | None:
    """The user behind an actor (None for a system actor), for the `*_by` columns."""
    return actor if isinstance(actor, User) else None


def clean_text(
    value: Any,
    field: str,
    errors: dict[str, str],
    *,
    limit: int,
    required: bool = True,
    one_line: bool = False,
) -> str:
    text = str(value or "").strip()
    if one_line:
        text = " ".join(text.split())
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    return text


def clean_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = _("A date as YYYY-MM-DD.")
        return None


def clean_choice(value: Any, field: str, errors: dict[str, str], choices: list[str]) -> str:
    text = str(value or "").strip()
    if text not in choices:
        errors[field] = _("Expected one of %(choices)s.") % {"choices": ", ".join(choices)}
    return text
