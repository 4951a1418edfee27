"""Time-limited access (issue 18): an ended session is logged out before any page runs, and every request an
investigator makes is ledgered (`investigator.read`: method, path, status; never a body)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from conduct.apps.accounts.investigators import investigator_read_record
from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role


class AccessExpiryMiddleware:
    """After AuthenticationMiddleware. A signed-in user whose `access_until` has passed is logged out, so the
    page sends them to the login page (and the API answers 401) without anyone acting. Bearer tokens are
    refused in accounts.services.token_authenticate. After the response, an investigator's request (by
    session or by token: the API's token check puts the token's user on the request) is ledgered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and isinstance(user, User) and user.access_expired():
            logout(request)
        response = self.get_response(request)
        actor = getattr(request, "user", None)
        if (
            isinstance(actor, User)
            and actor.is_authenticated
            and actor.role == Role.INVESTIGATOR
            and not actor.access_expired()
        ):
            path = request.get_full_path()
            investigator_read_record(
                user=actor, method=request.method or "GET", path=path, status=response.status_code
            )
        return response
