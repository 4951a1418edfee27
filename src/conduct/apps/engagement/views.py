"""Pages of correspondence and commitments (mounted at /engagement/): letters and meetings with their threads,
questions and the answers' review; counterparts; partner letters' acknowledgements; commitments with their
status and evidence. Permissions are checked by the selectors and services these call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.catalog.models import Control
from conduct.apps.engagement import selectors, services
from conduct.apps.engagement.models import (
    Channel,
    CommitmentStatus,
    CounterpartKind,
    EvidenceKind,
    MadeIn,
)
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound
from conduct.events.gates import decision_for
from conduct.events.governance import visible_case_ids


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    """Correspondence, newest first, with the form to record a letter or meeting."""
    actor = request_actor(request)
    direction = request.GET.get("direction", "")
    direction = direction if direction in ("in", "out") else ""
    context: dict[str, Any] = {
        "items": selectors.correspondence_list(actor=actor, direction=direction)[:500],
        "direction": direction,
        "counterparts": selectors.counterpart_list(actor=actor)[:1000],
        "channels": Channel.choices,
        "units": selectors.unit_choices(actor=actor),
    }
    return render(request, "engagement/index.html", context)


@login_required
@require_POST
def correspondence_new_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    post = request.POST
    try:
        unit = selectors.unit_named(actor=actor, code=post.get("owner_unit", ""))
        counterpart_id = _int(post.get("counterpart"))
        counterpart = (
            selectors.counterpart_named(actor=actor, counterpart_id=counterpart_id, field="counterpart")
            if counterpart_id is not None
            else None
        )
        recipients = [
            selectors.counterpart_named(actor=actor, counterpart_id=_int(pk), field="recipients")
            for pk in post.getlist("recipients")
        ]
        parent_id = _int(post.get("in_reply_to"))
        parent = (
            selectors.correspondence_for(actor=actor, correspondence_id=parent_id, field="in_reply_to")
            if parent_id is not None
            else None
        )
        questions = [line.strip() for line in post.get("questions", "").splitlines() if line.strip()]
        item = services.correspondence_create(
            actor=actor,
            owner_unit=unit,
            counterpart=counterpart,
            recipients=recipients,
            in_reply_to=parent,
            questions=questions,
            direction=post.get("direction", ""),
            kind=post.get("kind", "letter"),
            date=post.get("date", ""),
            channel=post.get("channel", ""),
            subject=post.get("subject", ""),
            summary=post.get("summary", ""),
            reference=post.get("reference", ""),
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
        return redirect("engagement")
    messages.success(request, _("Recorded."))
    return redirect("engagement-correspondence", correspondence_id=item.pk)


@login_required
def correspondence_view(request: HttpRequest, correspondence_id: int) -> HttpResponse:
    """One letter or meeting in its thread: documents, questions with their answers and review buttons,
    the partners' acknowledgements, the commitments made in it."""
    actor = request_actor(request)
    item = selectors.correspondence_get(actor=actor, correspondence_id=correspondence_id)
    recipients = selectors.recipients_of(item)
    context = {
        "item": item,
        "thread": selectors.thread(actor=actor, item=item),
        "questions": selectors.questions_of(item),
        "documents": item.documents.all(),
        "recipients": recipients,
        "not_acknowledged": [r for r in recipients if r.acknowledged_at is None],
        "commitments": item.commitments.all(),
        "replies_out": item.replies.filter(direction="out"),
        "channels": Channel.choices,
        "made_in": MadeIn.choices,
        "units": selectors.unit_choices(actor=actor),
    }
    return render(request, "engagement/correspondence.html", context)


@login_required
@require_POST
def document_add_view(request: HttpRequest, correspondence_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.correspondence_get(actor=actor, correspondence_id=correspondence_id)
    upload = request.FILES.get("file")
    try:
        services.document_add(
            actor=actor,
            correspondence=item,
            filename=upload.name if upload else "",
            content=upload.read() if upload else b"",
        )
        messages.success(request, _("Document attached."))
    except Invalid as exc:
        messages.error(request, exc.one_line())
    return redirect("engagement-correspondence", correspondence_id=item.pk)


@login_required
def document_download_view(request: HttpRequest, letter_document_id: int) -> HttpResponse:
    document = selectors.document_get(actor=request_actor(request), document_id=letter_document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def acknowledge_view(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.correspondence_get(actor=actor, correspondence_id=letter_id)
    try:
        partner = selectors.counterpart_named(
            actor=actor, counterpart_id=_int(request.POST.get("counterpart")), field="counterpart"
        )
        services.letter_acknowledge(
            actor=actor,
            correspondence=item,
            counterpart=partner,
            by=request.POST.get("by", ""),
            how=request.POST.get("how", ""),
        )
        messages.success(request, _("Acknowledgement recorded."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("engagement-correspondence", correspondence_id=item.pk)


@login_required
@require_POST
def answer_view(request: HttpRequest, question_id: int) -> HttpResponse:
    actor = request_actor(request)
    question = selectors.question_get(actor=actor, question_id=question_id)
    try:
        services.answer_draft(actor=actor, question=question, text=request.POST.get("answer", ""))
        messages.success(request, _("Draft saved."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("engagement-correspondence", correspondence_id=question.correspondence_id)


@login_required
@require_POST
def review_view(request: HttpRequest, question_id: int) -> HttpResponse:
    actor = request_actor(request)
    question = selectors.question_get(actor=actor, question_id=question_id)
    try:
        sent_id = _int(request.POST.get("sent_in"))
        sent_in = (
            selectors.correspondence_for(actor=actor, correspondence_id=sent_id, field="sent_in")
            if sent_id is not None
            else None
        )
        services.answer_review(
            actor=actor,
            question=question,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            sent_in=sent_in,
        )
        messages.success(request, _("Review step recorded."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("engagement-correspondence", correspondence_id=question.correspondence_id)


@login_required
@require_http_methods(["GET", "POST"])
def counterparts_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if request.method == "POST":
        try:
            created = services.counterpart_create(
                actor=actor,
                **{k: request.POST.get(k, "") for k in ("kind", "name", "country", "contact", "notes")},
            )
            messages.success(request, _("Counterpart added."))
            return redirect("engagement-counterpart", counterpart_id=created.pk)
        except (Invalid, Conflict) as exc:
            messages.error(request, exc.one_line())
            return redirect("engagement-counterparts")
    kind = request.GET.get("kind", "")
    kind = kind if kind in CounterpartKind.values else ""
    context = {
        "counterparts": selectors.counterpart_list(actor=actor, kind=kind)[:1000],
        "kind": kind,
        "kinds": CounterpartKind.choices,
    }
    return render(request, "engagement/counterparts.html", context)


@login_required
def counterpart_view(request: HttpRequest, counterpart_id: int) -> HttpResponse:
    actor = request_actor(request)
    counterpart = selectors.counterpart_get(actor=actor, counterpart_id=counterpart_id)
    context = {
        "counterpart": counterpart,
        "items": selectors.correspondence_list(actor=actor, counterpart_id=counterpart.pk)[:500],
    }
    return render(request, "engagement/counterpart.html", context)


@login_required
def commitments_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")
    status = status if status in selectors.COMMITMENT_FILTERS else ""
    today = timezone.localdate()
    context = {
        "commitments": selectors.commitment_list(actor=actor, status=status, today=today)[:1000],
        "status": status,
        "statuses": CommitmentStatus.choices,
        "made_in": MadeIn.choices,
        "today": today,
        "units": selectors.unit_choices(actor=actor),
    }
    return render(request, "engagement/commitments.html", context)


@login_required
@require_POST
def commitment_new_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    post = request.POST
    try:
        unit = selectors.unit_named(actor=actor, code=post.get("owner_unit", ""))
        letter_id = _int(post.get("correspondence"))
        letter = (
            selectors.correspondence_for(actor=actor, correspondence_id=letter_id, field="correspondence")
            if letter_id is not None
            else None
        )
        item = services.commitment_create(
            actor=actor,
            owner_unit=unit,
            correspondence=letter,
            made_in=post.get("made_in", ""),
            text=post.get("text", ""),
            due_date=post.get("due_date", ""),
            public=post.get("public") == "on",
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
        return redirect("engagement-commitments")
    messages.success(request, _("Commitment recorded."))
    return redirect("engagement-commitment", commitment_id=item.pk)


def _evidence_links(actor: Any, evidence: list[Any]) -> list[tuple[Any, str]]:
    """Each piece of evidence with the page that shows it, or "" where that page would not answer the
    viewer (a case or decision out of their sight, a letter of another unit)."""
    cases = visible_case_ids(actor=actor, case_ids=[e.target_id for e in evidence if e.kind == "case"])
    codes = dict(
        Control.objects.filter(pk__in=[e.target_id for e in evidence if e.kind == "control"]).values_list(
            "pk", "code"
        )
    )
    links = []
    for e in evidence:
        url = ""
        if e.kind == "case" and e.target_id in cases:
            url = reverse("case", args=[e.target_id])
        elif e.kind == "control" and e.target_id in codes:
            url = reverse("catalog-control", args=[codes[e.target_id]])
        elif e.kind in ("gate_decision", "document"):
            try:
                if e.kind == "gate_decision":
                    decision = decision_for(actor=actor, decision_id=e.target_id)
                    url = reverse("gate-decision", args=[decision.pk])
                else:
                    document = selectors.document_get(actor=actor, document_id=e.target_id)
                    url = reverse("engagement-document", args=[document.pk])
            except (NotFound, Forbidden):
                url = ""
        links.append((e, url))
    return links


@login_required
def commitment_view(request: HttpRequest, commitment_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.commitment_get(actor=actor, commitment_id=commitment_id)
    context = {
        "item": item,
        "overdue": item.is_overdue(),
        "evidence": _evidence_links(actor, list(item.evidence.all())),
        "statuses": CommitmentStatus.choices,
        "evidence_kinds": EvidenceKind.choices,
    }
    return render(request, "engagement/commitment.html", context)


@login_required
@require_POST
def commitment_status_view(request: HttpRequest, commitment_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.commitment_get(actor=actor, commitment_id=commitment_id)
    try:
        services.commitment_set_status(
            actor=actor,
            commitment=item,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Status changed."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("engagement-commitment", commitment_id=item.pk)


@login_required
@require_POST
def commitment_evidence_view(request: HttpRequest, commitment_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.commitment_get(actor=actor, commitment_id=commitment_id)
    target = _int(request.POST.get("target_id"))
    try:
        services.commitment_add_evidence(
            actor=actor,
            commitment=item,
            kind=request.POST.get("kind", ""),
            target_id=target if target is not None else -1,
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Evidence linked."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("engagement-commitment", commitment_id=item.pk)
