"""Scoped reads of device access. Staff and auditors see everything; support engineers see the devices and
only their own requests, grants and the events under them; customers (and their approvers) see their own
organisation's."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.access.models import (
    AccessEvent,
    AccessRequest,
    Device,
    Grant,
    RequestStatus,
    RevocationList,
)
from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize, can, require, scoped
from conduct.apps.errors import NotFound
from conduct.core.grants import GRANT_SCOPES


def _engineer(actor: User) -> bool:
    return actor.role == Role.SUPPORT_ENGINEER


def device_list(*, actor: User, q: str = "") -> QuerySet[Device]:
    authorize(actor, "access.view")
    rows = scoped(
        Device.objects.select_related("customer"),
        actor,
        permission="access.view",
        portal_field="customer",
        global_model=True,
    )
    return rows.filter(serial__icontains=q.strip()) if q.strip() else rows


def device_get(*, actor: User, device_id: int) -> Device:
    found = device_list(actor=actor).filter(pk=device_id).first()
    if found is None:
        raise NotFound(_("No device %(id)d that you may see.") % {"id": device_id})
    return found


def access_request_list(*, actor: User, status: str = "") -> QuerySet[AccessRequest]:
    authorize(actor, "access.view")
    rows = scoped(
        AccessRequest.objects.select_related("customer", "requested_by", "answered_by"),
        actor,
        permission="access.view",
        portal_field="customer",
        global_model=True,
    )
    if _engineer(actor):
        rows = rows.filter(requested_by=actor)
    return rows.filter(status=status) if status else rows


def access_request_get(*, actor: User, request_id: int) -> AccessRequest:
    found = access_request_list(actor=actor).filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("No access request %(id)d that you may see.") % {"id": request_id})
    return found


def grant_list(*, actor: User) -> QuerySet[Grant]:
    authorize(actor, "access.view")
    rows = scoped(
        Grant.objects.select_related("device", "request", "device__customer"),
        actor,
        permission="access.view",
        portal_field="device__customer",
        global_model=True,
    )
    return rows.filter(request__requested_by=actor) if _engineer(actor) else rows


def grant_get(*, actor: User, grant_id: str) -> Grant:
    found = grant_list(actor=actor).filter(grant_id=grant_id).first()
    if found is None:
        raise NotFound(_("No grant %(id)s that you may see.") % {"id": grant_id})
    return found


def access_event_list(*, actor: User, authorised: bool | None = None) -> QuerySet[AccessEvent]:
    authorize(actor, "access.view")
    rows = scoped(
        AccessEvent.objects.select_related("device", "grant"),
        actor,
        permission="access.view",
        portal_field="device__customer",
        global_model=True,
    )
    if _engineer(actor):
        rows = rows.filter(grant__request__requested_by=actor)
    return rows if authorised is None else rows.filter(authorised=authorised)


def revocations_current(*, actor: User | Any) -> RevocationList:
    """The latest signed revocation list (the first is published with the first grant); NotFound before."""
    authorize(actor, "access.view")
    latest = RevocationList.objects.order_by("-version").first()
    if latest is None:
        raise NotFound(_("No revocation list yet: no grant has been issued."))
    return latest


@dataclass(frozen=True)
class DeviceRecord:
    """Everything that happened to one device (Access Transparency)."""

    device: Device
    requests: list[AccessRequest]
    grants: list[Grant]
    events: list[AccessEvent]


def transparency(*, actor: User) -> list[DeviceRecord]:
    """Per device the actor may see: every request, grant (with its revocation) and access event."""
    devices = list(device_list(actor=actor))
    requests = access_request_list(actor=actor).prefetch_related("devices")
    grants = list(grant_list(actor=actor))
    events = list(access_event_list(actor=actor))
    by_device: dict[int, list[AccessRequest]] = {}
    for request in requests:
        for device in request.devices.all():
            by_device.setdefault(device.pk, []).append(request)
    return [
        DeviceRecord(
            device=d,
            requests=by_device.get(d.pk, []),
            grants=[g for g in grants if g.device_id == d.pk],
            events=[e for e in events if e.device_id == d.pk],
        )
        for d in devices
    ]


def transparency_rows(*, actor: User) -> list[list[str]]:
    """The transparency record as rows (device, kind, id, when, who, what, state), for the CSV export."""
    rows: list[list[str]] = []
    for record in transparency(actor=actor):
        serial = record.device.serial
        for r in record.requests:
            rows.append(
                [
                    serial,
                    "request",
                    str(r.pk),
                    r.created_at.isoformat(),
                    r.requested_by.username,
                    f"{','.join(r.scopes)} for {r.hours} h: {r.reason}",
                    r.status,
                ]
            )
        for g in record.grants:
            rows.append(
                [
                    serial,
                    "grant",
                    g.grant_id,
                    g.created_at.isoformat(),
                    g.grantee,
                    f"{','.join(g.scopes)} until {g.expires_at.isoformat()}",
                    "issued",
                ]
            )
            if g.revoked_at:
                rows.append(
                    [
                        serial,
                        "revocation",
                        g.grant_id,
                        g.revoked_at.isoformat(),
                        g.revoked_by,
                        g.revoke_comment,
                        "revoked",
                    ]
                )
        for e in record.events:
            rows.append(
                [
                    serial,
                    "access",
                    str(e.pk),
                    e.started_at.isoformat(),
                    e.actor,
                    f"{e.scope} until {e.ended_at.isoformat()}: {e.reason}",
                    "authorised" if e.authorised else "unauthorised",
                ]
            )
    return rows


def access_figures(year: int) -> dict[str, Any]:
    """Transparency-report figures for one calendar year (requests by creation time, events by start time)."""
    requests = AccessRequest.objects.filter(created_at__year=year)
    answered = requests.filter(
        status__in=[RequestStatus.APPROVED, RequestStatus.DENIED], answered_at__isnull=False
    )
    hours = [(r.answered_at - r.created_at).total_seconds() / 3600 for r in answered if r.answered_at]
    return {
        "requests": requests.count(),
        "approvals": requests.filter(status=RequestStatus.APPROVED).count(),
        "denials": requests.filter(status=RequestStatus.DENIED).count(),
        "expiries": requests.filter(
            Q(status=RequestStatus.EXPIRED)
            | Q(status=RequestStatus.PENDING, answer_by__year=year, answer_by__lt=timezone.now())
        ).count(),
        "median_hours_to_answer": round(statistics.median(hours), 2) if hours else None,
        "accesses": AccessEvent.objects.filter(started_at__year=year).count(),
        "accesses_without_grant": AccessEvent.objects.filter(started_at__year=year, authorised=False).count(),
    }


def index_redirect(*, actor: User) -> str | None:
    """Where the device access index sends the actor instead: customers to their transparency page."""
    return "access-portal" if actor.is_portal and can(actor, "access.view") else None


def request_scopes(*, actor: User) -> tuple[str, ...]:
    """The scopes the request form offers (403 for a role that may not request access)."""
    require(actor, "access.request")
    return GRANT_SCOPES
