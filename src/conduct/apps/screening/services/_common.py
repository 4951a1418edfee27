"""What the screening services share: who is acting, and how that is checked and ledgered."""

from __future__ import annotations

import re
from typing import Any

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.screening.values import (  # noqa: F401 - re-exported for the services
    clean_birth_date,
    clean_country,
    clean_entity_type,
    clean_name,
)

SYSTEM = "system"
LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def check(actor: Any, permission: str) -> None:
    """People need the permission; the system and the CLI (a label or None) act as operators."""
    if isinstance(actor, User):
        require(actor, permission)


def ledger_actor(actor: Any) -> Any:
    return SYSTEM if actor is None else actor


def user_or_none(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None
