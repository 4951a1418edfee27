"""Device access services: the only writers of devices, requests, grants, revocation lists and access events.

Each takes `actor` first, checks it with accounts.scoping.authorize and ledgers its change in its transaction.
"""

from conduct.apps.access.services.devices import (
    DeviceSpec,
    device_authenticate,
    device_register,
    device_token_issue,
    devices_import,
)
from conduct.apps.access.services.events import (
    NoIncidentHandler,
    Reconciliation,
    access_events_record,
    events_parse_jsonl,
)
from conduct.apps.access.services.grants import grant_revoke, revocations_publish
from conduct.apps.access.services.requests import (
    access_request_approve,
    access_request_create,
    access_request_deny,
    access_requests_expire,
)

__all__ = [
    "DeviceSpec",
    "NoIncidentHandler",
    "Reconciliation",
    "access_events_record",
    "access_request_approve",
    "access_request_create",
    "access_request_deny",
    "access_requests_expire",
    "device_authenticate",
    "device_register",
    "device_token_issue",
    "devices_import",
    "events_parse_jsonl",
    "grant_revoke",
    "revocations_publish",
]
