"""The ledger page: filter entries, verify the chain, sign a checkpoint."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.models import User
from conduct.apps.audit import selectors, services
from conduct.apps.errors import Invalid


def _date(value: str | None) -> tuple[date | None, str | None]:
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, f"{value!r} is not a date (use YYYY-MM-DD)."


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    since, since_err = _date(request.GET.get("since"))
    until, until_err = _date(request.GET.get("until"))
    filters = selectors.LedgerFilters(
        object_type=request.GET.get("object_type") or None,
        object_id=request.GET.get("object_id") or None,
        actor=request.GET.get("actor") or None,
        action=request.GET.get("action") or None,
        since=since,
        until=until,
    )
    page = Paginator(selectors.ledger_list(actor=actor, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": request.GET,
        "errors": [e for e in (since_err, until_err) if e],
        "checkpoints": selectors.checkpoint_list(actor=actor)[:5],
        "latest_checkpoint": selectors.latest_checkpoint(),
        "verification": None,
    }
    template = "audit/_entries.html" if request.htmx else "audit/ledger.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_POST
def verify_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    published = (request.POST.get("published") or "").strip()[:200]
    try:
        result = selectors.ledger_verification(
            actor=actor, records=bool(request.POST.get("records")), published=published
        )
    except Invalid as exc:
        return render(
            request,
            "audit/_verification.html",
            {"verification": None, "error": _("Published checkpoint: %s") % exc.fields["published"]},
            status=422,
        )
    return render(request, "audit/_verification.html", {"verification": result})


@login_required
@require_POST
def checkpoint_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    cp = services.checkpoint_request(actor=actor)
    messages.success(request, _("Signed checkpoint at entry #%(seq)s.") % {"seq": cp.seq})
    return redirect("ledger")
