"""Recommendation pages and the liaison network."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.selectors import orgunit_list
from conduct.apps.errors import ServiceError
from conduct.apps.governance import forms, selectors, services
from conduct.apps.governance.models import (
    Recommendation,
)
from conduct.apps.governance.views._shared import _form_errors


@login_required
def recommendation_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    units = orgunit_list(actor=actor)
    unit = units.filter(code=request.GET.get("unit")).first() if request.GET.get("unit") else None
    status = request.GET.get("status") or None
    if status not in (None, *Recommendation.Status.values):
        status = None
    overdue = True if request.GET.get("overdue") == "1" else None
    filters = selectors.RecommendationFilters(
        status=status, org_unit=unit, overdue=overdue, mine=request.GET.get("mine") == "1"
    )
    items = selectors.recommendation_index(actor=actor, filters=filters)  # 403 without recommendations.view
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    form = forms.RecommendationForm(units=units)  # shown to `recommendations.create` (may)
    context = {
        "page": page,
        "units": units,
        "filters": request.GET,
        "statuses": Recommendation.Status.choices,
        "form": form,
        "today": timezone.localdate(),
    }
    template = "governance/_recommendation_rows.html" if request.htmx else "governance/recommendations.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_POST
def recommendation_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    units = selectors.recommendation_units(actor=actor)
    form = forms.RecommendationForm(request.POST, units=units)
    if form.is_valid():
        try:
            item = services.recommendation_create(actor=actor, **form.cleaned_data)
            routed_to = ", ".join(u.username for u in item.assignees.all()) or "the compliance officers"
            messages.success(request, _("Recorded and routed to %(to)s.") % {"to": routed_to})
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
    }
    return render(request, "governance/recommendations.html", context, status=422)


def _recommendation_context(actor: User, item: Recommendation, form: Any = None) -> dict[str, Any]:
    may_update = selectors.recommendation_updatable(actor=actor, item=item)
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
    actor = request_actor(request)
    item = selectors.recommendation_for(actor=actor, recommendation_id=recommendation_id)
    return render(request, "governance/recommendation.html", _recommendation_context(actor, item))


@login_required
@require_POST
def recommendation_update_view(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.recommendation_for(
        actor=actor, recommendation_id=recommendation_id, permission="recommendations.update"
    )
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_update(
                actor=actor,
                recommendation=item,
                status=form.cleaned_data["status"],
                evidence=form.cleaned_data["evidence"],
            )
            messages.success(request, _("Saved."))
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
    escalated = services.recommendation_escalate_overdue(actor=request_actor(request))  # checks escalate
    messages.success(
        request,
        ngettext("Escalated %(n)d overdue item.", "Escalated %(n)d overdue items.", len(escalated))
        % {"n": len(escalated)},
    )
    return redirect("recommendations")


@login_required
def liaison_network_view(request: HttpRequest) -> HttpResponse:
    network = selectors.liaison_network_for(actor=request_actor(request))
    return render(request, "governance/liaison_network.html", {"network": network})
