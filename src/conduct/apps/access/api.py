"""JSON API for device access: devices, access requests and their answers, grants, the signed revocation list,
and access events (devices report theirs with their own token: `Authorization: Bearer cdv_...`)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer

from conduct.apps.access import selectors, services
from conduct.apps.access.models import AccessEvent, AccessRequest, Device, Grant
from conduct.apps.accounts.actors import DEVICE
from conduct.apps.accounts.models import PortalOrganisation
from conduct.apps.apikit import AUTH, DbId, Page, actor_of
from conduct.apps.errors import Invalid

router = Router(tags=["device access"])


class DeviceBearer(HttpBearer):
    """A device's own token (`cdv_...`); anything else falls through to the user tokens and the session."""

    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        device = services.device_authenticate(token)
        if device is not None:
            request.access_device = device
        return device


# --- devices ---------------------------------------------------------------------------------------


class DeviceOut(Schema):
    id: int
    serial: str
    model: str
    firmware: str
    customer: str = Field(..., alias="customer.name")
    site: str
    installer: str


class DeviceIn(Schema):
    serial: str = Field(..., min_length=1, max_length=100)
    customer: str = Field(..., min_length=1, max_length=300, description="The customer organisation's name")
    model: str = Field("", max_length=200)
    firmware: str = Field("", max_length=100)
    site: str = Field("", max_length=300)
    installer: str = Field("", max_length=300)


class DeviceCreatedOut(DeviceOut):
    token: str = Field(..., description="The device's API token for POST /access-events; shown only once")


class DeviceImportIn(Schema):
    content: str = Field(
        ...,
        min_length=1,
        max_length=5_000_000,
        description="CSV: " + ",".join(services.devices.IMPORT_COLUMNS),
    )


class DeviceQuery(Schema):
    q: str = Field("", max_length=100, description="Serial contains")


@router.get("/devices", response=list[DeviceOut], summary="Devices you may see")
@paginate(Page)
def devices(request: HttpRequest, filters: Query[DeviceQuery]) -> object:
    return selectors.device_list(actor=actor_of(request), q=filters.q)


@router.post(
    "/devices", response={201: DeviceCreatedOut}, summary="Register a device (its token is shown once)"
)
def device_create(request: HttpRequest, payload: DeviceIn) -> Status:
    customer = PortalOrganisation.objects.filter(kind="customer", name=payload.customer.strip()).first()
    if customer is None:
        raise Invalid(
            _("Unknown customer."),
            fields={"customer": _("No customer organisation %(name)r.") % {"name": payload.customer}},
        )
    device, token = services.device_register(
        actor=actor_of(request),
        spec=services.DeviceSpec(**{**payload.dict(), "customer": customer}),
    )
    device.token = token  # type: ignore[attr-defined]  # shown in this answer only
    return Status(201, device)


@router.post("/devices/import", response=dict[str, Any], summary="Import a CSV of devices, all or nothing")
def device_import(request: HttpRequest, payload: DeviceImportIn) -> dict[str, Any]:
    created = services.devices_import(actor=actor_of(request), text=payload.content)
    return {"created": len(created), "serials": [d.serial for d in created]}


@router.get("/devices/{device_id}", response=DeviceOut)
def device(request: HttpRequest, device_id: DbId) -> Device:
    return selectors.device_get(actor=actor_of(request), device_id=device_id)


# --- requests --------------------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    status: str
    customer: str = Field(..., alias="customer.name")
    devices: list[str]
    scopes: list[str]
    hours: int
    reason: str
    ticket: str
    requested_by: str = Field(..., alias="requested_by.username")
    created_at: datetime
    answer_by: datetime
    answered_at: datetime | None
    answered_by: str | None
    comment: str
    approved_hours: int | None
    approved_scopes: list[str]

    @staticmethod
    def resolve_devices(obj: AccessRequest) -> list[str]:
        return sorted(d.serial for d in obj.devices.all())

    @staticmethod
    def resolve_answered_by(obj: AccessRequest) -> str | None:
        return obj.answered_by.username if obj.answered_by else None


class RequestIn(Schema):
    devices: list[str] = Field(..., min_length=1, max_length=100, description="Device serial numbers")
    scopes: list[str] = Field(..., min_length=1, max_length=10)
    hours: int = Field(services.requests.DEFAULT_HOURS, ge=1, le=services.requests.MAX_HOURS)
    reason: str = Field(..., min_length=1, max_length=5000)
    ticket: str = Field("", max_length=100)


class ApproveIn(Schema):
    hours: int | None = Field(
        None, ge=1, le=services.requests.MAX_HOURS, description="At most the hours asked"
    )
    scopes: list[str] | None = Field(
        None, max_length=10, description="Some of the scopes asked (default: all)"
    )
    comment: str = Field("", max_length=5000)


class DenyIn(Schema):
    comment: str = Field("", max_length=5000)


class GrantOut(Schema):
    grant_id: str
    device: str = Field(..., alias="device.serial")
    request: int = Field(..., alias="request_id")
    grantee: str
    scopes: list[str]
    not_before: datetime
    expires_at: datetime
    token: str
    key_id: str
    revoked_at: datetime | None
    revoked_by: str
    revoke_comment: str


class ApprovalOut(Schema):
    request: RequestOut
    grants: list[GrantOut]


class RequestQuery(Schema):
    status: str = Field("", max_length=10, description="pending, approved, denied or expired")


@router.get("/access-requests", response=list[RequestOut], summary="Access requests you may see")
@paginate(Page)
def access_requests(request: HttpRequest, filters: Query[RequestQuery]) -> object:
    return selectors.access_request_list(actor=actor_of(request), status=filters.status).prefetch_related(
        "devices"
    )


@router.post(
    "/access-requests", response={201: RequestOut}, summary="Ask a customer for access to its devices"
)
def access_request_create(request: HttpRequest, payload: RequestIn) -> Status:
    created = services.access_request_create(
        actor=actor_of(request),
        serials=payload.devices,
        scopes=payload.scopes,
        hours=payload.hours,
        reason=payload.reason,
        ticket=payload.ticket,
    )
    return Status(201, created)


@router.get("/access-requests/{request_id}", response=RequestOut)
def access_request(request: HttpRequest, request_id: DbId) -> AccessRequest:
    return selectors.access_request_get(actor=actor_of(request), request_id=request_id)


@router.post(
    "/access-requests/{request_id}/approve",
    response=ApprovalOut,
    summary="The customer's approver approves (maybe fewer hours or scopes): a signed grant per device",
)
def access_request_approve(request: HttpRequest, request_id: DbId, payload: ApproveIn) -> dict[str, Any]:
    actor = actor_of(request)
    found = selectors.access_request_get(actor=actor, request_id=request_id)
    grants = services.access_request_approve(
        actor=actor, request=found, hours=payload.hours, scopes=payload.scopes, comment=payload.comment
    )
    return {"request": selectors.access_request_get(actor=actor, request_id=request_id), "grants": grants}


@router.post(
    "/access-requests/{request_id}/deny", response=RequestOut, summary="The customer's approver denies"
)
def access_request_deny(request: HttpRequest, request_id: DbId, payload: DenyIn) -> AccessRequest:
    actor = actor_of(request)
    found = selectors.access_request_get(actor=actor, request_id=request_id)
    return services.access_request_deny(actor=actor, request=found, comment=payload.comment)


# --- grants ----------------------------------------------------------------------------------------


class RevokeIn(Schema):
    comment: str = Field("", max_length=5000)


class RevocationsOut(Schema):
    version: int
    issued_at: datetime
    revoked: list[str]
    token: str = Field(
        ..., description="The signed list devices verify (conduct grants verify --revocations)"
    )


@router.get("/grants", response=list[GrantOut], summary="Grants you may see")
@paginate(Page)
def grants(request: HttpRequest) -> object:
    return selectors.grant_list(actor=actor_of(request))


@router.get(
    "/grants/revocations", response=RevocationsOut, summary="The latest signed, versioned revocation list"
)
def revocations(request: HttpRequest) -> object:
    return selectors.revocations_current(actor=actor_of(request))


@router.get("/grants/{grant_id}", response=GrantOut)
def grant(request: HttpRequest, grant_id: str) -> Grant:
    return selectors.grant_get(actor=actor_of(request), grant_id=grant_id[:40])


@router.post(
    "/grants/{grant_id}/revoke", response=GrantOut, summary="Revoke a grant; a new revocation list is signed"
)
def grant_revoke(request: HttpRequest, grant_id: str, payload: RevokeIn) -> Grant:
    actor = actor_of(request)
    found = selectors.grant_get(actor=actor, grant_id=grant_id[:40])
    return services.grant_revoke(actor=actor, grant=found, comment=payload.comment)


# --- access events ---------------------------------------------------------------------------------


class EventIn(Schema):
    device: str = Field(..., min_length=1, max_length=100)
    grant_id: str | None = Field(None, max_length=40)
    actor: str = Field(..., min_length=1, max_length=200)
    scope: str = Field(..., min_length=1, max_length=40)
    started_at: str = Field(
        ..., max_length=40, description="ISO 8601 with its offset, e.g. 2026-01-31T09:30:00Z"
    )
    ended_at: str = Field(..., max_length=40, description="ISO 8601 with its offset")


class EventOut(Schema):
    id: int
    device: str = Field(..., alias="device.serial")
    reported_grant_id: str
    grant_id: str | None
    actor: str
    scope: str
    started_at: datetime
    ended_at: datetime
    source: str
    authorised: bool
    reason: str
    incident_case_id: int | None

    @staticmethod
    def resolve_grant_id(obj: AccessEvent) -> str | None:
        return obj.grant.grant_id if obj.grant else None


class EventQuery(Schema):
    authorised: bool | None = None


@router.get("/access-events", response=list[EventOut], summary="Access sessions and their reconciliation")
@paginate(Page)
def access_events(request: HttpRequest, filters: Query[EventQuery]) -> object:
    return selectors.access_event_list(actor=actor_of(request), authorised=filters.authorised)


@router.post(
    "/access-events",
    auth=[DeviceBearer(), *AUTH],
    response={201: EventOut},
    summary="Report an access session (a device with its own token, or staff); reconciled at once",
)
def access_event_report(request: HttpRequest, payload: EventIn) -> Status:
    device: Device | None = getattr(request, "access_device", None)
    row = payload.dict()
    if device is not None:
        result = services.access_events_record(
            actor=DEVICE, rows=[row], source=AccessEvent.Source.DEVICE, device=device
        )
    else:
        result = services.access_events_record(
            actor=actor_of(request), rows=[row], source=AccessEvent.Source.DEVICE
        )
    return Status(201, result.events[0])
