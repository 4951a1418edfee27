"""Login throttling on top of django-axes' per (user name, address) lock.

Axes locks a user name at one address after LOGIN_FAILURE_LIMIT failures. That alone lets an attacker try one
password against every account (password spraying), or one account from many addresses. Within axes' cool-off
window (a quarter of an hour) this handler also locks:
- a user name that failed LOGIN_USER_FAILURE_LIMIT times, from any addresses;
- an address that failed LOGIN_ADDRESS_FAILURE_LIMIT times, for any user names;
- during a spray (LOGIN_SPRAY_LIMIT failures across all users), every address that has failed at all, so a
  spraying address gets one try while people logging in from clean addresses are not held up.
Counts come from axes' AccessAttempt rows, shared by every server process.

The password-reset form has limits of its own (`reset_throttled`), counted from PasswordResetRequest rows
within PASSWORD_RESET_WINDOW_MINUTES: per submitted email address (PASSWORD_RESET_EMAIL_LIMIT; the address
is kept as a keyed hash), per client address (PASSWORD_RESET_ADDRESS_LIMIT; the trusted-proxy client
address, as for logins) and across everyone (PASSWORD_RESET_GLOBAL_LIMIT). A refused request is not
counted, so a flood cannot extend its own lock-out.

`first_limit_reached` and `client_key` are that counting for other public intakes (the vulnerability-report
form counts its own stored reports per hashed address and in total).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from conduct.apps.accounts.models import PasswordResetRequest

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


def _email_key(email: str) -> str:
    """A keyed hash of the submitted address, case- and space-insensitive (the secret key keys it)."""
    return salted_hmac("conduct.password-reset", email.strip().lower(), algorithm="sha256").hexdigest()


def client_key(address: str | None, purpose: str) -> str:
    """A keyed hash of a client address for counting one purpose's requests without keeping the address
    ("" for none)."""
    if not address:
        return ""
    return salted_hmac(f"conduct.throttle.{purpose}", address, algorithm="sha256").hexdigest()


def first_limit_reached(
    recent: QuerySet[Any], limits: Sequence[tuple[str, dict[str, Any] | None, int]]
) -> str | None:
    """The first of `limits` ((reason, filter or None to skip, limit)) that the rows `recent` (one window's
    requests) already reach, or None: the one counting rule of the intake limits here and in other apps
    (a refused request is not counted, so a flood cannot extend its own lock-out)."""
    for reason, filters, limit in limits:
        if filters is not None and recent.filter(**filters).count() >= limit:
            return reason
    return None


def reset_throttled(email: str, address: str | None) -> str | None:
    """Record a password-reset request for `email` from `address`, or refuse it: returns why ("email",
    "address" or "global") when a limit within the window is reached, else None (the request is counted).
    Bookkeeping like axes' attempts: not ledgered."""
    now = timezone.now()
    since = now - timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    key, address = _email_key(email), address or ""
    with transaction.atomic():
        PasswordResetRequest.objects.filter(at__lt=since).delete()
        reason = first_limit_reached(
            PasswordResetRequest.objects.filter(at__gte=since),
            [
                ("email", {"email_key": key}, settings.PASSWORD_RESET_EMAIL_LIMIT),
                (
                    "address",
                    {"client_address": address} if address else None,
                    settings.PASSWORD_RESET_ADDRESS_LIMIT,
                ),
                ("global", {}, settings.PASSWORD_RESET_GLOBAL_LIMIT),
            ],
        )
        if reason is None:
            PasswordResetRequest.objects.create(email_key=key, client_address=address[:45], at=now)
    if reason is not None:
        log.warning("password reset throttled", extra={"reason": reason})
    return reason
