"""Committee pages: the list, one committee, its decision rule and its members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.errors import ServiceError
from conduct.apps.governance import forms, selectors, services
from conduct.apps.governance.views._shared import _form_errors

MANAGE = "committees.manage"


@login_required
def committees_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    committees = selectors.committee_index(actor=actor)
    form = forms.CommitteeForm()  # shown to `committees.manage` (may)
    return render(request, "governance/committees.html", {"committees": committees, "form": form})


@login_required
@require_POST
def committee_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    committees = selectors.committee_index(actor=actor, permission=MANAGE)  # 403 before the form is judged
    form = forms.CommitteeForm(request.POST)
    if form.is_valid():
        try:
            committee = services.committee_create(actor=actor, **form.cleaned_data)
            messages.success(request, _("Created %(name)s.") % {"name": committee.name})
            return redirect("committee", committee_id=committee.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    context = {"committees": committees, "form": form}
    return render(request, "governance/committees.html", context, status=422)


def _committee_context(actor: User, committee: Any, **extra: Any) -> dict[str, Any]:
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
        ),  # the forms are shown to `committees.manage` (may)
        "member_form": extra.get("member_form") or forms.MemberForm(),
    }


@login_required
def committee_detail_view(request: HttpRequest, committee_id: int) -> HttpResponse:
    actor = request_actor(request)
    committee = selectors.committee_for(actor=actor, committee_id=committee_id)
    return render(request, "governance/committee.html", _committee_context(actor, committee))


@login_required
@require_POST
def committee_rule_view(request: HttpRequest, committee_id: int) -> HttpResponse:
    actor = request_actor(request)
    committee = selectors.committee_for(
        actor=actor, committee_id=committee_id, permission="committees.manage"
    )
    form = forms.RuleForm(request.POST)
    if form.is_valid():
        try:
            services.committee_update(actor=actor, committee=committee, **form.cleaned_data)
            messages.success(request, _("Decision rule saved; it applies to votes from now on."))
            return redirect("committee", committee_id=committee.pk)
        except ServiceError as exc:
            _form_errors(form, exc)
    return render(
        request, "governance/committee.html", _committee_context(actor, committee, rule_form=form), status=422
    )


@login_required
@require_POST
def committee_member_view(request: HttpRequest, committee_id: int) -> HttpResponse:
    actor = request_actor(request)
    committee = selectors.committee_for(
        actor=actor, committee_id=committee_id, permission="committees.manage"
    )
    form = forms.MemberForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            form.add_error("username", _("No active user with that name."))
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
                messages.success(
                    request,
                    _("%(user)s joins %(committee)s.")
                    % {"user": user.display_name, "committee": committee.name},
                )
                return redirect("committee", committee_id=committee.pk)
            except ServiceError as exc:
                _form_errors(form, exc)
    return render(
        request,
        "governance/committee.html",
        _committee_context(actor, committee, member_form=form),
        status=422,
    )
