"""The demo's device access (data/demo/organisation.yaml, `access:`), loaded by `conduct demo load`.

Idempotent: nothing is loaded again once the first device exists. The expired request is back-dated past its
answer time (directly, as demo data) and then expired by the service. The access without a grant is only
recorded when an AccessIncidentRaised handler (governance) is registered to open its incident case.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.access import services
from conduct.apps.access.models import AccessRequest, Device, Grant
from conduct.apps.accounts import services as accounts
from conduct.apps.accounts.actors import DEMO, SYSTEM
from conduct.apps.accounts.models import PortalOrganisation, User
from conduct.apps.accounts.roles import PORTAL_ORG_KIND
from conduct.events import handlers
from conduct.events.incidents import AccessIncidentRaised


def _users(spec: dict[str, Any], password: str) -> int:
    created = 0
    for u in spec.get("users", []):
        if User.objects.filter(username=u["username"]).exists():
            continue
        org = None
        if u.get("org"):
            org = accounts.portal_org_create(actor=SYSTEM, name=u["org"], kind=PORTAL_ORG_KIND[u["role"]])
        accounts.user_create(
            actor=SYSTEM,
            username=u["username"],
            role=u["role"],
            password=password,
            first_name=u.get("first_name", ""),
            last_name=u.get("last_name", ""),
            email=f"{u['username']}@demo.conduct.invalid",
            portal_org=org,
        )
        created += 1
    return created


@transaction.atomic
def load_demo_access(spec: dict[str, Any] | None, password: str) -> int:
    if not spec:
        return 0
    created = _users(spec, password)
    if Device.objects.filter(serial=spec["devices"][0]["serial"]).exists():
        return created
    created += _devices(spec)
    engineer = User.objects.get(role="support_engineer", username=spec["users"][0]["username"])
    approver = User.objects.get(username=spec["users"][1]["username"])
    grant = _requests(spec, engineer, approver)
    _events(spec, engineer, grant)
    return created + 2


def _devices(spec: dict[str, Any]) -> int:
    customers = {
        name: accounts.portal_org_create(actor=SYSTEM, name=name, kind=PortalOrganisation.Kind.CUSTOMER)
        for name in spec.get("customers", [])
    }
    created = 0
    for d in spec["devices"]:
        services.device_register(
            actor=DEMO, spec=services.DeviceSpec(**{**d, "customer": customers[d["customer"]]})
        )
        created += 1
    return created


def _requests(spec: dict[str, Any], engineer: User, approver: User) -> Grant:
    """The approved request (its first grant is returned) and the one left to expire."""
    ok = spec["approved"]
    request = services.access_request_create(
        actor=engineer,
        serials=ok["devices"],
        scopes=ok["scopes"],
        hours=ok["hours"],
        reason=ok["reason"],
        ticket=ok["ticket"],
    )
    grants = services.access_request_approve(
        actor=approver,
        request=request,
        hours=ok["approve_hours"],
        scopes=ok["approve_scopes"],
        comment=ok["comment"],
    )
    late = spec["expired"]
    stale = services.access_request_create(
        actor=engineer,
        serials=late["devices"],
        scopes=late["scopes"],
        hours=late["hours"],
        reason=late["reason"],
        ticket=late["ticket"],
    )
    past = timezone.now() - timedelta(hours=13)
    AccessRequest.objects.filter(pk=stale.pk).update(created_at=past - timedelta(hours=12), answer_by=past)
    services.access_requests_expire(actor=DEMO)
    return grants[0]


def _events(spec: dict[str, Any], engineer: User, grant: Grant) -> None:
    """A session under the grant, and (when governance opens its incident case) one access without a grant."""
    now, start = timezone.now(), grant.not_before
    rows: list[object] = [
        {
            "device": grant.device.serial,
            "grant_id": grant.grant_id,
            "actor": f"support:{engineer.username}",
            "scope": grant.scopes[0],
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=10)).isoformat(),
        }
    ]
    if "governance.open_access_incident_case" in handlers(AccessIncidentRaised):
        bad = spec["unauthorised"]
        rows.append(
            {
                **bad,
                "grant_id": None,
                "started_at": (now - timedelta(days=2)).isoformat(),
                "ended_at": (now - timedelta(days=2) + timedelta(minutes=20)).isoformat(),
            }
        )
    services.access_events_record(actor=DEMO, rows=rows)
