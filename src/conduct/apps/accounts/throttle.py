"""Login throttling on top of django-axes' per (user name, address) lock.

Axes locks a user name at one address after LOGIN_FAILURE_LIMIT failures. That alone lets an attacker try one
password against every account (password spraying), or one account from many addresses. Within axes' cool-off
window (a quarter of an hour) this handler also locks:
- a user name that failed LOGIN_USER_FAILURE_LIMIT times, from any addresses;
- an address that failed LOGIN_ADDRESS_FAILURE_LIMIT times, for any user names;
- during a spray (LOGIN_SPRAY_LIMIT failures across all users), every address that has failed at all, so a
  spraying address gets one try while people logging in from clean addresses are not held up.
Counts come from axes' AccessAttempt rows, shared by every server process.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

log = logging.getLogger("conduct.login")


def _window_start() -> Any:
    return timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def _failures(**filters: Any) -> int:
    rows = AccessAttempt.objects.filter(attempt_time__gte=_window_start(), **filters)
    return int(rows.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def login_throttled(username: str | None, address: str | None) -> str | None:
    """Why a login for `username` from `address` is refused now ("user", "address" or "spray"), or None."""
    if username and _failures(username=username) >= settings.LOGIN_USER_FAILURE_LIMIT:
        return "user"
    if address:
        from_address = _failures(ip_address=address)
        if from_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return "address"
        if from_address and _failures() >= settings.LOGIN_SPRAY_LIMIT:
            return "spray"
    return None


class ThrottlingHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler with the per-user, per-address and spray limits above."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or self._throttled(request, credentials)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        # Axes decides on the lock after recording a failure from the pair's count alone; add ours.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self._throttled(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def _throttled(self, request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
        reason = login_throttled(
            get_client_username(request, credentials), getattr(request, "axes_ip_address", None)
        )
        if reason is not None:
            log.warning("login throttled", extra={"reason": reason})
        return reason is not None
