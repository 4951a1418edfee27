"""Writes to correspondence: a letter or meeting recorded, its documents, the questions it raises, and the
partners' acknowledgements of a letter sent to several of them."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.engagement.models import (
    Channel,
    Correspondence,
    CorrespondenceDocument,
    CorrespondenceKind,
    Counterpart,
    Direction,
    LetterRecipient,
    Question,
)
from conduct.apps.engagement.services._common import (
    EngagementAction,
    clean_choice,
    clean_date,
    clean_text,
    user_of,
)
from conduct.apps.engagement.uploads import check_document
from conduct.apps.errors import Conflict, raise_if

MAX_RECIPIENTS = 500
MAX_QUESTIONS = 200


def _check(
    fields: dict[str, Any],
    counterpart: Counterpart | None,
    recipients: list[Counterpart] | None,
    in_reply_to: Correspondence | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    """The letter's own fields, cleaned; problems go to `errors` by field."""
    direction = clean_choice(fields.get("direction"), "direction", errors, list(Direction.values))
    kind = clean_choice(fields.get("kind") or "letter", "kind", errors, list(CorrespondenceKind.values))
    day = clean_date(fields.get("date"), "date", errors)
    channel = clean_choice(fields.get("channel"), "channel", errors, list(Channel.values))
    subject = clean_text(fields.get("subject"), "subject", errors, limit=300, one_line=True)
    summary = clean_text(fields.get("summary"), "summary", errors, limit=20_000, required=False)
    reference = clean_text(fields.get("reference"), "reference", errors, limit=100, required=False)
    recipients = list(dict.fromkeys(recipients or []))
    if counterpart is None and not recipients:
        errors["counterpart"] = _("Name the counterpart (or, for a letter to partners, the recipients).")
    if counterpart is not None and recipients:
        errors["recipients"] = _("A letter has one counterpart or a list of partner recipients, not both.")
    if recipients:
        if direction != Direction.OUT or kind != CorrespondenceKind.LETTER:
            errors["recipients"] = _("Only a letter sent out has a list of recipients.")
        elif len(recipients) > MAX_RECIPIENTS:
            errors["recipients"] = _("At most %(n)d recipients.") % {"n": MAX_RECIPIENTS}
        else:
            others = sorted(c.name for c in recipients if not c.is_partner)
            if others:
                errors["recipients"] = _("Recipients must be partners; these are not: %(names)s.") % {
                    "names": ", ".join(others)
                }
    if in_reply_to is not None and day is not None and in_reply_to.date > day:
        errors["in_reply_to"] = _("A reply cannot be dated before the letter it answers.")
    return {
        "direction": direction,
        "kind": kind,
        "date": day,
        "channel": channel,
        "subject": subject,
        "summary": summary,
        "reference": reference,
    }


@transaction.atomic
def correspondence_create(
    *,
    actor: Actor,
    owner_unit: OrgUnit,
    counterpart: Counterpart | None = None,
    recipients: list[Counterpart] | None = None,
    in_reply_to: Correspondence | None = None,
    questions: list[str] | None = None,
    **fields: Any,
) -> Correspondence:
    """direction, kind, date, channel, subject (required); summary, reference. A letter names one
    `counterpart`, or, sent to several partners, `recipients` (partners only; acknowledgements are tracked
    per partner). `questions`: the questions a received letter raises, numbered in order."""
    authorize(actor, "engagement.write", unit=owner_unit)
    errors: dict[str, str] = {}
    values = _check(fields, counterpart, recipients, in_reply_to, errors)
    recipients = list(dict.fromkeys(recipients or []))
    texts = [str(q or "").strip() for q in (questions or [])]
    if texts and values["direction"] != Direction.IN:
        errors["questions"] = _("Questions are raised in a letter received.")
    elif len(texts) > MAX_QUESTIONS or any(not t or len(t) > 10_000 for t in texts):
        errors["questions"] = _("Each question is 1-10000 characters; at most %(n)d.") % {"n": MAX_QUESTIONS}
    raise_if(errors, _("The correspondence is not valid."))
    item = Correspondence.objects.create(
        **values,
        counterpart=counterpart,
        in_reply_to=in_reply_to,
        owner_unit=owner_unit,
        created_by=user_of(actor),
    )
    LetterRecipient.objects.bulk_create(
        [LetterRecipient(correspondence=item, counterpart=c) for c in recipients]
    )
    Question.objects.bulk_create(
        [Question(correspondence=item, number=n, text=t) for n, t in enumerate(texts, start=1)]
    )
    ledger_append(
        actor=actor,
        action=EngagementAction.CORRESPONDENCE_CREATE,
        object_type="correspondence",
        object_id=item.pk,
        summary={
            "direction": item.direction,
            "kind": item.kind,
            "date": item.date.isoformat(),
            "counterpart": counterpart.pk if counterpart else None,
            "recipients": sorted(c.pk for c in recipients),
            "in_reply_to": in_reply_to.pk if in_reply_to else None,
            "owner_unit": owner_unit.code,
            "questions": len(texts),
            "subject_sha256": hashlib.sha256(item.subject.encode()).hexdigest(),
        },
    )
    return item


@transaction.atomic
def question_add(*, actor: Actor, correspondence: Correspondence, text: str) -> Question:
    """Another question of a received letter, numbered after the last."""
    authorize(actor, "engagement.write", unit=correspondence.owner_unit)
    errors: dict[str, str] = {}
    text = clean_text(text, "text", errors, limit=10_000)
    if correspondence.direction != Direction.IN:
        errors["correspondence"] = _("Questions are raised in a letter received.")
    raise_if(errors, _("The question is not valid."))
    last = correspondence.questions.order_by("-number").values_list("number", flat=True).first() or 0
    question = Question.objects.create(correspondence=correspondence, number=last + 1, text=text)
    ledger_append(
        actor=actor,
        action=EngagementAction.QUESTION_ADD,
        object_type="question",
        object_id=question.pk,
        summary={"correspondence": correspondence.pk, "number": question.number},
    )
    return question


@transaction.atomic
def document_add(
    *, actor: Actor, correspondence: Correspondence, filename: str, content: bytes
) -> CorrespondenceDocument:
    """Attach a file (PDF, image, office document, email or text; at most ENGAGEMENT_FILE_MAX_BYTES; its
    content matching its type). The SHA-256 is stored and ledgered."""
    authorize(actor, "engagement.write", unit=correspondence.owner_unit)
    errors: dict[str, str] = {}
    name, content_type = check_document(filename, content, errors)
    raise_if(errors, _("The document cannot be accepted."))
    digest = hashlib.sha256(content).hexdigest()
    document = CorrespondenceDocument(
        correspondence=correspondence,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=user_of(actor),
    )
    document.file.save(f"{digest[:16]}{PurePath(name).suffix.lower()}", ContentFile(content), save=False)
    document.save()
    ledger_append(
        actor=actor,
        action=EngagementAction.CORRESPONDENCE_DOCUMENT,
        object_type="correspondence",
        object_id=correspondence.pk,
        summary={"document": document.pk, "filename": name, "size": len(content), "sha256": digest},
    )
    return document


@transaction.atomic
def letter_acknowledge(
    *, actor: Actor, correspondence: Correspondence, counterpart: Counterpart, by: str, how: str
) -> LetterRecipient:
    """Record that a partner acknowledged a letter sent to it (once: a second record is a Conflict)."""
    authorize(actor, "engagement.write", unit=correspondence.owner_unit)
    errors: dict[str, str] = {}
    by = clean_text(by, "by", errors, limit=200, one_line=True)
    how = clean_text(how, "how", errors, limit=200, one_line=True)
    recipient = (
        LetterRecipient.objects.select_for_update()
        .filter(correspondence=correspondence, counterpart=counterpart)
        .first()
    )
    if recipient is None:
        errors["counterpart"] = _("%(name)s is not a recipient of this letter.") % {"name": counterpart.name}
    raise_if(errors, _("The acknowledgement is not valid."))
    assert recipient is not None
    if recipient.acknowledged_at is not None:
        raise Conflict(_("%(name)s has acknowledged this letter already.") % {"name": counterpart.name})
    recipient.acknowledged_at = timezone.now()
    recipient.acknowledged_by = by
    recipient.acknowledged_how = how
    recipient.recorded_by = user_of(actor)
    recipient.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_how", "recorded_by"])
    ledger_append(
        actor=actor,
        action=EngagementAction.LETTER_ACKNOWLEDGE,
        object_type="correspondence",
        object_id=correspondence.pk,
        summary={"counterpart": counterpart.pk, "by": by, "how": how},
    )
    return recipient
