"""What the screening services share: who is acting, and a list name's shape."""

from __future__ import annotations

import re

from conduct.apps.accounts.actors import SYSTEM, Actor
from conduct.apps.accounts.models import User

LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def acting(actor: Actor | None) -> Actor:
    """The actor a service acts as: None (callers written before system actors existed) is the system."""
    return SYSTEM if actor is None else actor


def user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
