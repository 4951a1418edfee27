"""The user's notification inbox: list, mark one read, clear all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.notifications import selectors, services


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    unread_only = request.GET.get("unread") == "1"
    items = selectors.notification_list(actor=actor, unread=True if unread_only else None)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    actor = request_actor(request)
    notification = services.notification_mark_read(actor=actor, notification_id=notification_id)
    if (
        request.POST.get("open")
        and notification.link
        and url_has_allowed_host_and_scheme(notification.link, None)
    ):
        return redirect(notification.link)
    if request.htmx:
        return render(request, "notifications/_item.html", {"n": notification})
    return redirect("notifications")


@login_required
@require_POST
def notifications_clear_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    services.notification_clear_all(actor=actor)
    return redirect("notifications")
