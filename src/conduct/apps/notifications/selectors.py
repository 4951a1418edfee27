"""Reads of a user's own notifications: nobody reads another user's inbox."""

from __future__ import annotations

from django.db.models import QuerySet

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import can, require
from conduct.apps.notifications.models import Notification


def notification_list(*, actor: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The inbox page and API: a role without `notifications.own` is refused (403)."""
    require(actor, "notifications.own")
    return _inbox(actor, unread)


def _inbox(actor: User, unread: bool | None) -> QuerySet[Notification]:
    if not can(actor, "notifications.own"):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=actor, cleared_at__isnull=True)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs


def unread_count(*, actor: User) -> int:
    return _inbox(actor, True).count()
