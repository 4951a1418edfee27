"""`{% unread_notifications %}` for the layout header: the signed-in user's unread count."""

from __future__ import annotations

from typing import Any

from django import template

from conduct.apps.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(actor=user)
