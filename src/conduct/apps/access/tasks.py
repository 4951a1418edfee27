"""Background device-access jobs (scheduled by `conduct worker`; `conduct access expire` runs it by hand)."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.access.services import access_requests_expire
from conduct.apps.accounts.actors import SCHEDULER


@task()
def expire_access_requests() -> int:
    """Expire the requests nobody answered within ACCESS_REQUEST_EXPIRY_HOURS (idempotent). Answering is
    refused after that time whether or not this has run; this records the expiry and tells the requester."""
    return len(access_requests_expire(actor=SCHEDULER))
