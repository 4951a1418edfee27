"""Who acts: a signed-in user or a named system actor. Every service takes one `Actor`.

A system actor is never built from a request: only the CLI, the scheduler (background tasks), the demo loader
and device-authenticated endpoints construct one. It holds every permission; what it may do is decided by the
code path that created it. The ledger names a user `user:<id>:<username>` and a system actor by its label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from django.http import HttpRequest

    from conduct.apps.accounts.models import User

SystemName = Literal["cli", "scheduler", "demo", "device", "system", "sso"]


@dataclass(frozen=True)
class SystemActor:
    """A named actor that is not a person: `cli`, `scheduler` (background tasks), `demo`, `device`,
    `system`, `sso` (the identity provider, through an answer Conduct verified: accounts.sso)."""

    name: SystemName

    @property
    def label(self) -> str:
        """How the ledger names it (the scheduler has always signed as 'system')."""
        return "system" if self.name == "scheduler" else self.name

    def __str__(self) -> str:
        return self.label


CLI = SystemActor("cli")
SCHEDULER = SystemActor("scheduler")
DEMO = SystemActor("demo")
DEVICE = SystemActor("device")
SYSTEM = SystemActor("system")
SSO = SystemActor("sso")

Actor: TypeAlias = "User | SystemActor"


def request_actor(request: HttpRequest) -> User:
    """The signed-in user of a page or API request (the login middleware has already refused anonymous
    ones)."""
    user: User = request.user
    return user


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)
