"""Case pages: the list, opening one, the case page and its actions (vote, decide, discuss, documents,
conflicts)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.errors import Invalid, NotFound, ServiceError
from conduct.apps.governance import forms, selectors, services
from conduct.apps.governance.models import (
    Case,
    CaseDocument,
    CommitteeMember,
    Dimension,
)
from conduct.apps.governance.services._common import manages
from conduct.apps.governance.views._shared import _form_errors
from conduct.events.gates import decision_for


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors = []
    status = request.GET.get("status") or None
    dimension = request.GET.get("dimension") or None
    if status and status not in Case.Status.values:
        errors.append(f"Unknown status {status!r}.")
        status = None
    if dimension and dimension not in Dimension.values:
        errors.append(f"Unknown dimension {dimension!r}.")
        dimension = None
    filters = selectors.CaseFilters(
        status=status,
        dimension=dimension,
        queue=request.GET.get("queue") or None,
        q=(request.GET.get("q") or "")[:200] or None,
        awaiting_my_vote=request.GET.get("mine") == "1",
    )
    page = Paginator(selectors.case_index(actor=actor, filters=filters), 50).get_page(request.GET.get("page"))
    queues = [
        ("compliance-officers", _("Compliance officers")),
        *[(c.slug, c.name) for c in selectors.committee_list(actor=actor)],
    ]
    context = {
        "page": page,
        "errors": errors,
        "filters": request.GET,
        "statuses": Case.Status.choices,
        "dimensions": Dimension.choices,
        "queues": queues,
    }
    template = "governance/_case_rows.html" if request.htmx else "governance/cases.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    units, committees = selectors.case_open_choices(actor=actor)
    form = forms.CaseForm(request.POST or None, units=units, committees=committees)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=actor, **form.cleaned_data)
            messages.success(request, _("Opened case %(id)s.") % {"id": case.pk})
            return redirect("case", case_id=case.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return render(
        request, "governance/case_new.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


def _gate_visible(actor: User, decision_id: int) -> bool:
    """Whether the actor may open the gate decision the case reviews (the gates answer: decision_for)."""
    try:
        return decision_for(actor=actor, decision_id=decision_id) is not None
    except NotFound:
        return False


def _case_forms(case: Case, forms_in: dict[str, Any]) -> dict[str, Any]:
    """The case page's forms: those handed in (bound, with their errors) or empty ones."""
    return {
        "vote_form": forms_in.get("vote_form") or forms.VoteForm(),
        "decide_form": forms_in.get("decide_form") or forms.DecideForm(),
        "conflict_form": forms_in.get("conflict_form") or forms.ConflictForm(),
        "comment_form": forms_in.get("comment_form") or forms.CommentForm(),
        "document_form": forms_in.get("document_form") or forms.DocumentForm(),
        "status_form": forms_in.get("status_form") or forms.StatusForm(),
        "edit_form": forms_in.get("edit_form")
        or forms.CaseEditForm(
            initial={
                "rights": case.rights,
                "description": case.description,
                "due_date": timezone.localdate(case.due_at) if case.due_at else None,
            }
        ),
    }


def _case_context(actor: User, case: Case, **forms_in: Any) -> dict[str, Any]:
    today = timezone.localdate()
    seat = (
        CommitteeMember.objects.filter(committee_id=case.committee_id, user=actor).first()
        if case.committee_id
        else None
    )
    conflicts = list(case.conflicts.select_related("user"))
    conflicted = any(c.user_id == actor.pk for c in conflicts)
    votes = list(case.votes.select_related("voter").order_by("round", "cast_at"))
    my_vote = next((v for v in votes if v.voter_id == actor.pk and v.round == case.round), None)
    conflicted_ids = {c.user_id for c in conflicts}
    abilities = selectors.case_abilities(actor=actor)
    participate = abilities.participate
    can_vote = bool(
        seat
        and seat.votes
        and seat.serves_on(today)
        and not conflicted
        and my_vote is None
        and case.is_active
        and participate
    )
    decision = selectors.case_decision(actor=actor, case=case)
    gate = case.gate_decision
    return {
        "case": case,
        "seat": seat,
        "conflicts": conflicts,
        "conflicted": conflicted,
        "votes": [(v, v.voter_id not in conflicted_ids) for v in votes if v.round == case.round],
        "earlier_votes": [v for v in votes if v.round != case.round],
        "my_vote": my_vote,
        "can_vote": can_vote,
        "tally": services.current_tally(case) if case.is_active else None,
        "rule": services.decision_rule(case).describe() if case.committee_id else None,
        "decision": decision,
        "earlier_decisions": [
            d for d in selectors.case_decisions(actor=actor, case=case) if d.round != case.round
        ],
        "comments": case.comments.select_related("author"),
        "documents": case.documents.select_related("uploaded_by"),
        "recommendations": selectors.recommendation_list(
            actor=actor, filters=selectors.RecommendationFilters(case_id=case.pk)
        ),
        "gate": gate,
        "gate_visible": gate is not None and _gate_visible(actor, gate.pk),
        "participate": participate and case.status != Case.Status.CLOSED,
        "manages": participate and manages(actor, case),
        "can_decide": case.committee_id is None and case.is_active and abilities.decide,
        "can_declare": bool(seat and participate and case.is_active and not conflicted),
        **_case_forms(case, forms_in),
        "max_document_bytes": services.MAX_DOCUMENT_BYTES,
        "document_types": ", ".join(services.DOCUMENT_TYPES),
    }


@login_required
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = selectors.case_for(actor=actor, case_id=case_id)
    return render(request, "governance/case.html", _case_context(actor, case))


def _case_action(request: HttpRequest, case_id: int, form_name: str, form: Any, act: Any) -> HttpResponse:
    """Validate `form`, run `act(actor, case, data)`, and return to the case page (or show what is wrong)."""
    actor = request_actor(request)
    case = selectors.case_for(actor=actor, case_id=case_id)
    status = 422
    if form.is_valid():
        try:
            message = act(actor, case, form.cleaned_data)
            messages.success(request, message)
            return redirect("case", case_id=case.pk)
        except NotFound:
            raise
        except ServiceError as exc:
            _form_errors(form, exc)
            status = exc.status
    case = selectors.case_get(actor=actor, case_id=case_id)
    return render(
        request, "governance/case.html", _case_context(actor, case, **{form_name: form}), status=status
    )


@login_required
@require_POST
def case_vote_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        voted = services.case_vote(
            actor=actor,
            case=case,
            choice=data["choice"],
            rationale=data["rationale"],
            conditions=forms.lines(data["conditions"]),
        )
        if voted.decision is not None:
            return _("Your vote is recorded, and it decided the case: %(outcome)s.") % {
                "outcome": voted.decision.get_outcome_display()
            }
        return _("Your vote is recorded. %(reason)s") % {"reason": voted.tally.reason}

    return _case_action(request, case_id, "vote_form", forms.VoteForm(request.POST), act)


@login_required
@require_POST
def case_decide_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        decision = services.case_decide(
            actor=actor,
            case=case,
            outcome=data["outcome"],
            rationale=data["rationale"],
            conditions=forms.lines(data["conditions"]),
        )
        return _("Decided: %(outcome)s.") % {"outcome": decision.get_outcome_display()}

    return _case_action(request, case_id, "decide_form", forms.DecideForm(request.POST), act)


@login_required
@require_POST
def case_conflict_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        services.conflict_declare(actor=actor, case=case, reason=data["reason"])
        return _("Your conflict of interest is recorded; you will not vote on this case.")

    return _case_action(request, case_id, "conflict_form", forms.ConflictForm(request.POST), act)


@login_required
@require_POST
def case_comment_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        services.case_comment_add(actor=actor, case=case, body=data["body"])
        return _("Comment added.")

    return _case_action(request, case_id, "comment_form", forms.CommentForm(request.POST), act)


@login_required
@require_POST
def case_document_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        upload, limit = data["file"], services.MAX_DOCUMENT_BYTES
        if upload.size > limit:  # refuse before reading it into memory
            raise Invalid(
                _("Too large."),
                fields={
                    "file": _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                    % {"size": upload.size, "limit": limit}
                },
            )
        document = services.case_document_add(
            actor=actor, case=case, filename=upload.name, content=upload.read(), kind=data["kind"]
        )
        return _("Attached %(name)s.") % {"name": document.filename}

    return _case_action(
        request, case_id, "document_form", forms.DocumentForm(request.POST, request.FILES), act
    )


@login_required
@require_POST
def case_status_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        changed = services.case_transition(
            actor=actor, case=case, status=data["status"], reason=data["reason"]
        )
        return _("The case is now %(status)s.") % {"status": changed.get_status_display().lower()}

    return _case_action(request, case_id, "status_form", forms.StatusForm(request.POST), act)


@login_required
@require_POST
def case_edit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        due = data["due_date"]
        due_at = timezone.make_aware(datetime.combine(due, time(17, 0))) if due else None
        services.case_update(
            actor=actor, case=case, rights=data["rights"], description=data["description"], due_at=due_at
        )
        return _("Saved.")

    return _case_action(request, case_id, "edit_form", forms.CaseEditForm(request.POST), act)


@login_required
def case_document_download(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = selectors.case_for(actor=actor, case_id=case_id)
    document = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise NotFound(
            _("No document %(document_id)s in case %(pk)s.") % {"document_id": document_id, "pk": case.pk}
        )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
