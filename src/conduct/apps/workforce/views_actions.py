"""Pages of an own site's findings and corrective actions (mounted under /workforce/): the finding with its
plan, the plan's evidence upload and submission by the site's liaison, and the verification or rejection by
compliance staff. Permissions are checked by the selectors and services these call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.audit.selectors import object_history
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.workforce import selectors, services


@login_required
def finding_view(request: HttpRequest, own_site_id: int, own_finding_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.site_finding_for(actor=actor, site_id=own_site_id, finding_id=own_finding_id)
    context: dict[str, Any] = {"f": found, "errors": {}, "values": {}}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("action", "owner", "due_date", "root_cause")}
        try:
            plan = services.site_action_create(actor=actor, site=found.site, finding=found.finding, **values)
        except (Invalid, Conflict) as exc:
            context.update(errors=exc.fields or {"action": exc.message}, values=values)
            status = exc.status
        else:
            messages.success(request, _("Corrective action recorded."))
            return redirect("workforce-action", own_action_id=plan.pk)
    return render(request, "workforce/finding.html", context, status=status)


@login_required
def action_view(request: HttpRequest, own_action_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    history = object_history(actor=actor, object_type="corrective_action", object_id=plan.pk)
    return render(request, "workforce/action.html", {"plan": plan, "history": history})


@login_required
@require_POST
def action_evidence_view(request: HttpRequest, own_action_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Invalid(_("Attach the file."), fields={"file": _("Choose a PDF, PNG or JPEG file.")})
        services.site_action_evidence(
            actor=actor, plan=plan, content=upload.read(), filename=upload.name or ""
        )
        messages.success(request, _("Evidence attached."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("workforce-action", own_action_id=plan.pk)


@login_required
@require_POST
def action_submit_view(request: HttpRequest, own_action_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    try:
        services.site_action_submit(actor=actor, plan=plan, note=request.POST.get("note", ""))
        messages.success(request, _("Submitted for verification."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("workforce-action", own_action_id=plan.pk)


@login_required
@require_POST
def action_review_view(request: HttpRequest, own_action_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    try:
        services.site_action_review(
            actor=actor,
            plan=plan,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Review recorded."))
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.one_line())
    return redirect("workforce-action", own_action_id=plan.pk)
