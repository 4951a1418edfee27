"""Pages of training (mounted under /workforce/training/): the reader's own training, every assignment's
completion per unit with the gaps (workforce.view), assigning a course, and entering a completion (score and
certificate optional). Permissions are checked by the selectors and services these call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.roles import Role
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.workforce import services, training_reads
from conduct.apps.workforce.models import AssignmentRule


def _page(request: HttpRequest, extra: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    context = {
        **training_reads.training_overview(actor=request_actor(request)),
        "rules": AssignmentRule.choices,
        "roles": Role.choices,
        "units": OrgUnit.objects.order_by("code"),
        "errors": {},
        "values": {},
        **(extra or {}),
    }
    return render(request, "workforce/training.html", context, status=status)


@login_required
def training_view(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def assignment_new_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    post = request.POST
    try:
        course = training_reads.course_for(
            actor=actor, code=post.get("course", ""), permission="training.manage"
        )
        unit = OrgUnit.objects.filter(code=post.get("unit", "")).first() if post.get("unit") else None
        days = post.get("due_days", "0").strip() or "0"
        services.assignment_create(
            actor=actor,
            course=course,
            rule=post.get("rule", ""),
            roles=post.getlist("roles"),
            unit=unit,
            due_date=post.get("due_date", "") or None,
            due_days=int(days) if days.isdigit() else -1,
        )
    except (Invalid, Conflict) as exc:
        messages.error(
            request, f"{exc.message} " + "; ".join(f"{k}: {v}" for k, v in sorted(exc.fields.items()))
        )
    else:
        messages.success(request, _("Course assigned."))
    return redirect("workforce-training")


@login_required
@require_POST
def completion_new_view(request: HttpRequest) -> HttpResponse:
    """A completion: a bad or future date, a bad score or file re-renders the form with the field's error."""
    actor = request_actor(request)
    post = request.POST
    values = {k: post.get(k, "") for k in ("course", "user", "completed_on", "score")}
    upload = request.FILES.get("certificate")
    try:
        person = training_reads.trainee_for(actor=actor, username=values["user"])
        course = training_reads.course_for(actor=actor, code=values["course"], permission="training.record")
        score = values["score"].strip()
        if score and not score.isdigit():
            raise Invalid(
                _("The completion is not valid."), fields={"score": _("A whole number from 0 to 100.")}
            )
        services.completion_record(
            actor=actor,
            course=course,
            user=person,
            completed_on=values["completed_on"],
            score=int(score) if score else None,
            certificate=upload.read() if upload else None,
            filename=upload.name or "" if upload else "",
        )
    except (Invalid, Conflict) as exc:
        return _page(request, {"errors": exc.fields, "values": values}, status=exc.status)
    messages.success(request, _("Completion recorded."))
    return redirect("workforce-training")
