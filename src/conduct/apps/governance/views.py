"""Governance pages: committees, cases (vote, decide, discuss, documents, conflicts), recommendations and the
liaison network. Every view starts with the permission check; writes go through the services."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import can, require, unit_in_scope
from conduct.apps.accounts.selectors import orgunit_list
from conduct.apps.errors import Invalid, NotFound, ServiceError
from conduct.apps.gates.selectors import decision_list
from conduct.apps.governance import forms, selectors, services
from conduct.apps.governance.models import (
    Case,
    CaseDocument,
    CommitteeMember,
    Dimension,
    Recommendation,
)
from conduct.apps.governance.services import cases as case_services
from conduct.apps.governance.services._common import manages


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_errors(form: Any, exc: ServiceError) -> None:
    for field, message in exc.fields.items():
        form.add_error(
            field if field in form.fields else None,
            f"{message}" if field in form.fields else f"{field}: {message}",
        )
    if not exc.fields:
        form.add_error(None, exc.message)


# --- committees ---------------------------------------------------------------------------------


@login_required
def committees_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "committees.view")
    form = forms.CommitteeForm() if can(actor, "committees.manage") else None
    return render(
        request,
        "governance/committees.html",
        {"committees": selectors.committee_list(actor=actor), "form": form},
    )


@login_required
@require_POST
def committee_create_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "committees.manage")
    form = forms.CommitteeForm(request.POST)
    if form.is_valid():
        try:
            committee = services.committee_create(actor=actor, **form.cleaned_data)
            messages.success(request, f"Created {committee.name}.")
            return redirect("committee", committee_id=committee.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    context = {"committees": selectors.committee_list(actor=actor), "form": form}
    return render(request, "governance/committees.html", context, status=422)


def _committee_context(actor: User, committee: Any, **extra: Any) -> dict[str, Any]:
    manage = can(actor, "committees.manage")
    today = timezone.localdate()
    return {
        "committee": committee,
        "rule": services.committee_rule(committee).describe(),
        "members": [(m, m.serves_on(today)) for m in committee.members.all()],
        "cases": selectors.case_list(actor=actor).filter(committee=committee)[:50],
        "rule_form": extra.get("rule_form")
        or (
            forms.RuleForm(
                initial={
                    "quorum_ratio": committee.quorum_ratio,
                    "majority": committee.majority,
                    "chair_breaks_ties": committee.chair_breaks_ties,
                }
            )
            if manage
            else None
        ),
        "member_form": extra.get("member_form") or (forms.MemberForm() if manage else None),
    }


@login_required
def committee_detail_view(request: HttpRequest, committee_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "committees.view")
    committee = selectors.committee_get(actor=actor, committee_id=committee_id)
    return render(request, "governance/committee.html", _committee_context(actor, committee))


@login_required
@require_POST
def committee_rule_view(request: HttpRequest, committee_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "committees.manage")
    committee = selectors.committee_get(actor=actor, committee_id=committee_id)
    form = forms.RuleForm(request.POST)
    if form.is_valid():
        try:
            services.committee_update(actor=actor, committee=committee, **form.cleaned_data)
            messages.success(request, "Decision rule saved; it applies to votes from now on.")
            return redirect("committee", committee_id=committee.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return render(
        request, "governance/committee.html", _committee_context(actor, committee, rule_form=form), status=422
    )


@login_required
@require_POST
def committee_member_view(request: HttpRequest, committee_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "committees.manage")
    committee = selectors.committee_get(actor=actor, committee_id=committee_id)
    form = forms.MemberForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            form.add_error("username", "No active user with that name.")
        else:
            try:
                services.committee_member_add(
                    actor=actor,
                    committee=committee,
                    user=user,
                    role=form.cleaned_data["role"],
                    term_start=form.cleaned_data["term_start"],
                    term_end=form.cleaned_data["term_end"],
                )
                messages.success(request, f"{user.display_name} joins {committee.name}.")
                return redirect("committee", committee_id=committee.pk)
            except ServiceError as exc:
                _form_errors(form, exc)
    return render(
        request,
        "governance/committee.html",
        _committee_context(actor, committee, member_form=form),
        status=422,
    )


# --- cases --------------------------------------------------------------------------------------


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "cases.view")
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
    page = Paginator(selectors.case_list(actor=actor, filters=filters), 50).get_page(request.GET.get("page"))
    queues = [
        ("compliance-officers", "Compliance officers"),
        *[(c.slug, c.name) for c in selectors.committee_list(actor=actor)],
    ]
    context = {
        "page": page,
        "errors": errors,
        "filters": request.GET,
        "statuses": Case.Status.choices,
        "dimensions": Dimension.choices,
        "queues": queues,
        "can_open": can(actor, "cases.open"),
    }
    template = "governance/_case_rows.html" if request.htmx else "governance/cases.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "cases.open")
    units = orgunit_list(actor=actor)
    form = forms.CaseForm(request.POST or None, units=units, committees=selectors.committee_list(actor=actor))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=actor, **form.cleaned_data)
            messages.success(request, f"Opened case {case.pk}.")
            return redirect("case", case_id=case.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return render(
        request, "governance/case_new.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


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
    participate = can(actor, "cases.participate")
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
        "gate_visible": bool(gate and decision_list(actor=actor).filter(pk=gate.pk).exists()),
        "participate": participate and case.status != Case.Status.CLOSED,
        "manages": participate and manages(actor, case),
        "can_decide": case.committee_id is None and case.is_active and can(actor, "cases.decide"),
        "can_declare": bool(seat and participate and case.is_active and not conflicted),
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
        "max_document_bytes": case_services.MAX_DOCUMENT_BYTES,
        "document_types": ", ".join(services.DOCUMENT_TYPES),
    }


@login_required
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "cases.view")
    case = selectors.case_get(actor=actor, case_id=case_id)
    return render(request, "governance/case.html", _case_context(actor, case))


def _case_action(request: HttpRequest, case_id: int, form_name: str, form: Any, act: Any) -> HttpResponse:
    """Validate `form`, run `act(actor, case, data)`, and come back to the case page (or show what was wrong)."""
    actor = _actor(request)
    require(actor, "cases.view")
    case = selectors.case_get(actor=actor, case_id=case_id)
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
            return f"Your vote is recorded, and it decided the case: {voted.decision.get_outcome_display()}."
        return f"Your vote is recorded. {voted.tally.reason}"

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
        return f"Decided: {decision.get_outcome_display()}."

    return _case_action(request, case_id, "decide_form", forms.DecideForm(request.POST), act)


@login_required
@require_POST
def case_conflict_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        services.conflict_declare(actor=actor, case=case, reason=data["reason"])
        return "Your conflict of interest is recorded; you will not vote on this case."

    return _case_action(request, case_id, "conflict_form", forms.ConflictForm(request.POST), act)


@login_required
@require_POST
def case_comment_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        services.case_comment_add(actor=actor, case=case, body=data["body"])
        return "Comment added."

    return _case_action(request, case_id, "comment_form", forms.CommentForm(request.POST), act)


@login_required
@require_POST
def case_document_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(actor: User, case: Case, data: dict[str, Any]) -> str:
        upload, limit = data["file"], case_services.MAX_DOCUMENT_BYTES
        if upload.size > limit:  # refuse before reading it into memory
            raise Invalid(
                "Too large.", fields={"file": f"The file is {upload.size} bytes; the limit is {limit} bytes."}
            )
        document = services.case_document_add(
            actor=actor, case=case, filename=upload.name, content=upload.read(), kind=data["kind"]
        )
        return f"Attached {document.filename}."

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
        return f"The case is now {changed.get_status_display().lower()}."

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
        return "Saved."

    return _case_action(request, case_id, "edit_form", forms.CaseEditForm(request.POST), act)


@login_required
def case_document_download(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "cases.view")
    case = selectors.case_get(actor=actor, case_id=case_id)
    document = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise NotFound(f"No document {document_id} in case {case.pk}.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- recommendations and the liaison network ----------------------------------------------------


@login_required
def recommendation_list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "recommendations.view")
    units = orgunit_list(actor=actor)
    unit = units.filter(code=request.GET.get("unit")).first() if request.GET.get("unit") else None
    status = request.GET.get("status") or None
    if status not in (None, *Recommendation.Status.values):
        status = None
    overdue = True if request.GET.get("overdue") == "1" else None
    filters = selectors.RecommendationFilters(
        status=status, org_unit=unit, overdue=overdue, mine=request.GET.get("mine") == "1"
    )
    page = Paginator(selectors.recommendation_list(actor=actor, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    form = forms.RecommendationForm(units=units) if can(actor, "recommendations.create") else None
    context = {
        "page": page,
        "units": units,
        "filters": request.GET,
        "statuses": Recommendation.Status.choices,
        "form": form,
        "today": timezone.localdate(),
        "can_escalate": can(actor, "recommendations.escalate"),
    }
    template = "governance/_recommendation_rows.html" if request.htmx else "governance/recommendations.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_POST
def recommendation_create_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "recommendations.create")
    units = orgunit_list(actor=actor)
    form = forms.RecommendationForm(request.POST, units=units)
    if form.is_valid():
        try:
            item = services.recommendation_create(actor=actor, **form.cleaned_data)
            messages.success(
                request,
                f"Recorded and routed to {', '.join(u.username for u in item.assignees.all()) or 'the compliance officers'}.",
            )
            return redirect("recommendation", recommendation_id=item.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    page = Paginator(selectors.recommendation_list(actor=actor), 50).get_page(1)
    context = {
        "page": page,
        "units": units,
        "filters": {},
        "statuses": Recommendation.Status.choices,
        "form": form,
        "today": timezone.localdate(),
        "can_escalate": can(actor, "recommendations.escalate"),
    }
    return render(request, "governance/recommendations.html", context, status=422)


def _recommendation_context(actor: User, item: Recommendation, form: Any = None) -> dict[str, Any]:
    may_update = can(actor, "recommendations.update") and (
        item.assignees.filter(pk=actor.pk).exists() or unit_in_scope(actor, item.org_unit)
    )
    return {
        "item": item,
        "form": form
        or (
            forms.ProgressForm(initial={"status": item.status, "evidence": item.evidence})
            if may_update
            else None
        ),
    }


@login_required
def recommendation_detail_view(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "recommendations.view")
    item = selectors.recommendation_get(actor=actor, recommendation_id=recommendation_id)
    return render(request, "governance/recommendation.html", _recommendation_context(actor, item))


@login_required
@require_POST
def recommendation_update_view(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    actor = _actor(request)
    require(actor, "recommendations.update")
    item = selectors.recommendation_get(actor=actor, recommendation_id=recommendation_id)
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_update(
                actor=actor,
                recommendation=item,
                status=form.cleaned_data["status"],
                evidence=form.cleaned_data["evidence"],
            )
            messages.success(request, "Saved.")
            return redirect("recommendation", recommendation_id=item.pk)
        except ServiceError as exc:
            if exc.status == 403:
                raise
            _form_errors(form, exc)
    return render(
        request, "governance/recommendation.html", _recommendation_context(actor, item, form), status=422
    )


@login_required
@require_POST
def recommendation_escalate_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "recommendations.escalate")
    escalated = services.recommendation_escalate_overdue(actor=actor)
    messages.success(request, f"Escalated {len(escalated)} overdue item{'s' if len(escalated) != 1 else ''}.")
    return redirect("recommendations")


@login_required
def liaison_network_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(actor, "liaisons.view")
    return render(
        request, "governance/liaison_network.html", {"network": selectors.liaison_network(actor=actor)}
    )
