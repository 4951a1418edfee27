"""Who did something, as a person reads it: the ledger's actor label ('user:2:officer') becomes the user's
name; a system actor's label ('cli', 'scheduler') is shown as it is."""

from __future__ import annotations

from typing import Any

from django import template

from conduct.apps.accounts.models import User

register = template.Library()


@register.filter
def actor_name(label: Any) -> str:
    text = str(label or "")
    kind, _, rest = text.partition(":")
    pk, _, username = rest.partition(":")
    if kind != "user" or not pk.isdigit():
        return text
    user = User.objects.filter(pk=int(pk)).first()
    return user.display_name if user is not None else username or text
