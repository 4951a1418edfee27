"""What the catalog services share: the acting actor, and a checked text field."""

from __future__ import annotations

from typing import Any

from conduct.apps.accounts.actors import SYSTEM, Actor
from conduct.apps.accounts.models import User


def acting(actor: Actor | None) -> Actor:
    return SYSTEM if actor is None else actor


def user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def text_field(value: Any, field: str, errors: dict[str, str], *, limit: int, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[field] = "Required."
    elif len(text) > limit:
        errors[field] = f"At most {limit} characters."
    return text
