"""Scoped reads of engagement. Staff and liaisons see the correspondence and commitments of their units
(admins and auditors every unit); the legal department's reviewers see every letter, since every answer comes
to them. Counterparts are shared: anyone who may read engagement sees them all."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps import csvsafe
from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import authorize, can, scoped, unit_in_scope
from conduct.apps.engagement.conf import legal_unit_code
from conduct.apps.engagement.models import (
    Commitment,
    CommitmentStatus,
    Correspondence,
    CorrespondenceDocument,
    Counterpart,
    LetterRecipient,
    Question,
)
from conduct.apps.errors import Invalid, NotFound

COMMITMENT_FILTERS = ("", "overdue", *CommitmentStatus.values)


def _legal_reviewer(actor: Actor) -> bool:
    if isinstance(actor, SystemActor) or not can(actor, "engagement.legal_review"):
        return False
    unit = OrgUnit.objects.filter(code=legal_unit_code()).first()
    return unit is not None and unit_in_scope(actor, unit)


# --- counterparts ----------------------------------------------------------------------------------


def counterpart_list(*, actor: Actor, kind: str = "", q: str = "") -> QuerySet[Counterpart]:
    authorize(actor, "engagement.view")
    rows = scoped(Counterpart.objects.all(), actor, permission="engagement.view", global_model=True)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.filter(name__icontains=q.strip()) if q.strip() else rows


def counterpart_get(*, actor: Actor, counterpart_id: int) -> Counterpart:
    found = counterpart_list(actor=actor).filter(pk=counterpart_id).first()
    if found is None:
        raise NotFound(_("No counterpart %(id)d.") % {"id": counterpart_id})
    return found


def counterpart_named(*, actor: Actor, counterpart_id: Any, field: str) -> Counterpart:
    """The counterpart an input names, for a write: Invalid on `field` when there is none (403 first for a
    role that may not read engagement)."""
    authorize(actor, "engagement.view")
    found = None
    if (
        isinstance(counterpart_id, int)
        and not isinstance(counterpart_id, bool)
        and 0 < counterpart_id < 2**63
    ):
        found = Counterpart.objects.filter(pk=counterpart_id).first()
    if found is None:
        raise Invalid(
            _("Unknown counterpart."), fields={field: _("No counterpart %(id)s.") % {"id": counterpart_id}}
        )
    return found


# --- correspondence --------------------------------------------------------------------------------


def correspondence_list(
    *, actor: Actor, counterpart_id: int | None = None, direction: str = ""
) -> QuerySet[Correspondence]:
    authorize(actor, "engagement.view")
    base = Correspondence.objects.select_related("counterpart", "owner_unit", "in_reply_to")
    if _legal_reviewer(actor):
        rows = base.all()
    else:
        rows = scoped(base, actor, permission="engagement.view", unit_field="owner_unit")
    if counterpart_id is not None:
        rows = rows.filter(
            Q(counterpart_id=counterpart_id) | Q(recipients__counterpart_id=counterpart_id)
        ).distinct()
    return rows.filter(direction=direction) if direction else rows


def correspondence_get(*, actor: Actor, correspondence_id: int) -> Correspondence:
    found = correspondence_list(actor=actor).filter(pk=correspondence_id).first()
    if found is None:
        raise NotFound(_("No correspondence %(id)d that you may see.") % {"id": correspondence_id})
    return found


def correspondence_for(*, actor: Actor, correspondence_id: Any, field: str) -> Correspondence:
    """A letter an input names (a reply's `in_reply_to`, a commitment's letter): Invalid on `field` when the
    actor cannot see it."""
    if (
        isinstance(correspondence_id, int)
        and not isinstance(correspondence_id, bool)
        and 0 < correspondence_id < 2**63
    ):
        found = correspondence_list(actor=actor).filter(pk=correspondence_id).first()
    else:
        authorize(actor, "engagement.view")
        found = None
    if found is None:
        raise Invalid(
            _("Unknown correspondence."),
            fields={field: _("No correspondence %(id)s that you may see.") % {"id": correspondence_id}},
        )
    return found


def thread(*, actor: Actor, item: Correspondence) -> list[Correspondence]:
    """The thread a letter belongs to: from its first letter down through every reply the actor may see,
    in date order."""
    visible = correspondence_list(actor=actor)
    root = item
    seen = {root.pk}
    while root.in_reply_to_id is not None and root.in_reply_to_id not in seen:
        parent = visible.filter(pk=root.in_reply_to_id).first()
        if parent is None:
            break
        seen.add(parent.pk)
        root = parent
    members, frontier = [root], [root.pk]
    while frontier:
        children = list(visible.filter(in_reply_to_id__in=frontier).exclude(pk__in=[m.pk for m in members]))
        members.extend(children)
        frontier = [c.pk for c in children]
    return sorted(members, key=lambda c: (c.date, c.pk))


def questions_of(item: Correspondence) -> QuerySet[Question]:
    return item.questions.select_related("drafted_by", "legal_reviewed_by", "approved_by", "sent_in")


def question_get(*, actor: Actor, question_id: int) -> Question:
    authorize(actor, "engagement.view")
    visible = correspondence_list(actor=actor)
    found = (
        Question.objects.select_related("correspondence__owner_unit")
        .filter(pk=question_id, correspondence__in=visible)
        .first()
    )
    if found is None:
        raise NotFound(_("No question %(id)d that you may see.") % {"id": question_id})
    return found


def recipients_of(item: Correspondence) -> list[LetterRecipient]:
    return list(item.recipients.select_related("counterpart", "recorded_by"))


def document_get(*, actor: Actor, document_id: int) -> CorrespondenceDocument:
    visible = correspondence_list(actor=actor)
    found = CorrespondenceDocument.objects.filter(pk=document_id, correspondence__in=visible).first()
    if found is None:
        raise NotFound(_("No document %(id)d that you may see.") % {"id": document_id})
    return found


def unit_choices(*, actor: Actor) -> QuerySet[OrgUnit]:
    """The units the actor may record correspondence and commitments for (none for a reader)."""
    return scoped(OrgUnit.objects.filter(is_active=True), actor, permission="engagement.write", unit_field="")


def unit_named(*, actor: Actor, code: Any, field: str = "owner_unit") -> OrgUnit:
    """The org unit an input names by code, among those the actor may write for (Invalid on `field`)."""
    authorize(actor, "engagement.write")
    found = unit_choices(actor=actor).filter(code=str(code or "")).first()
    if found is None:
        raise Invalid(
            _("Unknown org unit."), fields={field: _("No org unit %(code)r among yours.") % {"code": code}}
        )
    return found


# --- commitments -----------------------------------------------------------------------------------


def commitment_list(
    *, actor: Actor, status: str = "", owner_unit: str = "", today: date | None = None
) -> QuerySet[Commitment]:
    """status: one of COMMITMENT_FILTERS ("overdue": open or in progress past its due date)."""
    authorize(actor, "engagement.view")
    if status not in COMMITMENT_FILTERS:
        raise Invalid(
            _("Unknown status filter."),
            fields={
                "status": _("Expected one of %(v)s.") % {"v": ", ".join(v for v in COMMITMENT_FILTERS if v)}
            },
        )
    rows = scoped(
        Commitment.objects.select_related("owner_unit", "correspondence").annotate(
            evidence_count=Count("evidence")
        ),
        actor,
        permission="engagement.view",
        unit_field="owner_unit",
    )
    if owner_unit:
        rows = rows.filter(owner_unit__code=owner_unit)
    if status == "overdue":
        day = today or timezone.localdate()
        return rows.filter(status__in=(CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS), due_date__lt=day)
    return rows.filter(status=status) if status else rows


def commitment_get(*, actor: Actor, commitment_id: int) -> Commitment:
    found = commitment_list(actor=actor).filter(pk=commitment_id).first()
    if found is None:
        raise NotFound(_("No commitment %(id)d that you may see.") % {"id": commitment_id})
    return found


def public_commitments() -> list[dict[str, Any]]:
    """The commitments marked public, for the transparency report: text, due date and status only (no unit,
    no counterpart), in a fixed order."""
    rows = Commitment.objects.filter(public=True).order_by("due_date", "id")
    return [
        {"text": c.text, "due_date": c.due_date.isoformat(), "status": c.status, "made_in": c.made_in}
        for c in rows
    ]


# --- CSV -------------------------------------------------------------------------------------------

CORRESPONDENCE_COLUMNS = (
    "id",
    "date",
    "direction",
    "kind",
    "channel",
    "counterpart",
    "counterpart_kind",
    "subject",
    "reference",
    "in_reply_to",
    "owner_unit",
    "questions",
    "answers_sent",
    "recipients",
    "acknowledged",
)
COMMITMENT_COLUMNS = (
    "id",
    "made_in",
    "correspondence",
    "text",
    "owner_unit",
    "due_date",
    "status",
    "overdue",
    "drop_reason",
    "evidence",
    "public",
)


def _csv(header: tuple[str, ...], rows: Iterator[list[Any]]) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def correspondence_csv(*, actor: Actor) -> str:
    rows = correspondence_list(actor=actor).annotate(
        n_questions=Count("questions", distinct=True),
        n_sent=Count("questions", filter=Q(questions__status=Question.Status.SENT), distinct=True),
        n_recipients=Count("recipients", distinct=True),
        n_acknowledged=Count(
            "recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True
        ),
    )
    return _csv(
        CORRESPONDENCE_COLUMNS,
        (
            [
                c.pk,
                c.date.isoformat(),
                c.direction,
                c.kind,
                c.channel,
                c.counterpart.name if c.counterpart else "",
                c.counterpart.kind if c.counterpart else "",
                c.subject,
                c.reference,
                c.in_reply_to_id or "",
                c.owner_unit.code,
                c.n_questions,
                c.n_sent,
                c.n_recipients,
                c.n_acknowledged,  # type: ignore[attr-defined]
            ]
            for c in rows.order_by("date", "id")
        ),
    )


def commitment_csv(*, actor: Actor, status: str = "") -> str:
    today = timezone.localdate()
    rows = commitment_list(actor=actor, status=status, today=today)
    return _csv(
        COMMITMENT_COLUMNS,
        (
            [
                c.pk,
                c.made_in,
                c.correspondence_id or "",
                c.text,
                c.owner_unit.code,
                c.due_date.isoformat(),
                c.status,
                "yes" if c.is_overdue(today) else "no",
                c.drop_reason,
                c.evidence_count,
                "yes" if c.public else "no",  # type: ignore[attr-defined]
            ]
            for c in rows.order_by("due_date", "id")
        ),
    )
