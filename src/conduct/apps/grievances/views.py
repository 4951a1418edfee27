"""The grievance officers' pages (mounted at /grievances/): the list (no text) and a report (decrypted through
the service that ledgers the read) with the handling forms. Permissions are checked by the selectors and
services these call; a report that excludes the officer answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Invalid, ServiceError
from conduct.apps.grievances import selectors, services
from conduct.apps.grievances.models import Dimension, Message, RemedyType, Status


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.grievance_list(actor=actor, status=status, overdue=overdue)[:200]
    return render(
        request,
        "grievances/index.html",
        {"grievances": rows, "statuses": Status.choices, "status": status, "overdue": overdue},
    )


@login_required
def detail_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    view = services.grievance_read(actor=request_actor(request), grievance_id=grievance_id)
    return render(
        request,
        "grievances/detail.html",
        {
            "v": view,
            "g": view.grievance,
            "next_steps": [
                (step, Status(step).label) for step in services.TRANSITIONS.get(view.grievance.status, ())
            ],
            "dimensions": [c for c in Dimension.choices if c[0]],
            "remedy_types": RemedyType.choices,
            "message_kinds": [Message.Kind.MESSAGE, Message.Kind.QUESTION, Message.Kind.FEEDBACK],
        },
    )


@login_required
def attachment_view(request: HttpRequest, grievance_id: int, attachment_id: int) -> HttpResponse:
    name, content_type, content = services.attachment_read(
        actor=request_actor(request), grievance_id=grievance_id, attachment_id=attachment_id
    )
    response = HttpResponse(content, content_type=content_type)
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-") or "attachment"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    return response


def _int(value: str, field: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit() or len(value.strip()) > 18:
        raise Invalid(_("Not a number."), fields={field: _("Expected a record id.")})
    return int(value)


def _act(
    request: HttpRequest, grievance_id: int, action: Callable[[Any, dict[str, str]], object]
) -> HttpResponse:
    try:
        action(request_actor(request), dict(request.POST.items()))
    except Invalid as exc:  # a form slip: back to the page with the reason
        messages.error(request, f"{exc.message} {' '.join(exc.fields.values())}")
        return redirect("grievance", grievance_id=grievance_id)
    except ServiceError:
        raise
    messages.success(request, _("Saved."))
    return redirect("grievance", grievance_id=grievance_id)


@login_required
@require_POST
def transition_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    return _act(
        request,
        grievance_id,
        lambda actor, p: services.grievance_transition(
            actor=actor,
            grievance_id=grievance_id,
            to=p.get("to", ""),
            reason=p.get("reason", ""),
            dimension=p.get("dimension") or None,
        ),
    )


@login_required
@require_POST
def message_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    return _act(
        request,
        grievance_id,
        lambda actor, p: services.grievance_message(
            actor=actor, grievance_id=grievance_id, body=p.get("body", ""), kind=p.get("kind", "message")
        ),
    )


@login_required
@require_POST
def remedy_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    accepted = {"yes": True, "no": False}
    return _act(
        request,
        grievance_id,
        lambda actor, p: services.grievance_remedy(
            actor=actor,
            grievance_id=grievance_id,
            remedy_type=p.get("type", ""),
            description=p.get("description", ""),
            accepted=accepted.get(p.get("accepted", "")),
        ),
    )


@login_required
@require_POST
def link_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    return _act(
        request,
        grievance_id,
        lambda actor, p: services.grievance_link(
            actor=actor,
            grievance_id=grievance_id,
            supplier_id=_int(p.get("supplier", ""), "supplier"),
            org_unit_id=_int(p.get("org_unit", ""), "org_unit"),
            corrective_action=p.get("corrective_action") == "on",
        ),
    )


@login_required
@require_POST
def escalate_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    return _act(
        request,
        grievance_id,
        lambda actor, p: services.grievance_escalate(
            actor=actor, grievance_id=grievance_id, title=p.get("title", ""), dimension=p.get("dimension", "")
        ),
    )


@login_required
@require_POST
def exclude_view(request: HttpRequest, grievance_id: int) -> HttpResponse:
    return _act(
        request,
        grievance_id,
        lambda actor, p: services.grievance_exclude(
            actor=actor, grievance_id=grievance_id, username=p.get("username", "")
        ),
    )
