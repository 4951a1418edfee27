"""Committees page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.governance.selectors import committee_list


@login_required
def committees_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    require(actor, "committees.view")
    return render(request, "governance/committees.html", {"committees": committee_list(actor=actor)})
