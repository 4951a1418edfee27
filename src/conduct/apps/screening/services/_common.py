"""What the screening services share: who is acting, and a list name's shape."""

from __future__ import annotations

import re

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User

LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
