"""`may` in every template: what the signed-in role may do, to decide which buttons and links to show.

`{% if may.cases.open %}` reads `cases.open` from the role matrix. Showing a button is no check: the service
behind it makes the one `authorize`. Pages and endpoints hold no permission call of their own.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import can


class _Area:
    def __init__(self, user: User | None, area: str) -> None:
        self._user, self._area = user, area

    def __getitem__(self, verb: str) -> bool:
        return self._user is not None and can(self._user, f"{self._area}.{verb}")


class RolePermissions:
    """`may[area][verb]`: whether `user` holds `area.verb` (nobody signed in holds nothing)."""

    def __init__(self, user: User | None) -> None:
        self._user = user

    def __getitem__(self, area: str) -> _Area:
        return _Area(self._user, area)

    def __contains__(self, permission: str) -> bool:
        return self._user is not None and can(self._user, permission)


def role_permissions(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"may": RolePermissions(user if isinstance(user, User) and user.is_authenticated else None)}
