"""Investigator access over the API (issue 18): grant, update and end an investigator's time-limited access,
and read the requests an investigator made. Its operations join the organisation router."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts import investigators, selectors
from conduct.apps.accounts.api import router
from conduct.apps.accounts.models import User
from conduct.apps.apikit import Page, actor_of
from conduct.apps.audit.models import LedgerEntry

# --- investigator access (issue 18) --------------------------------------------------------------------


class InvestigatorOut(Schema):
    username: str
    role: str
    until: datetime | None
    active: bool
    units: list[str]
    modules: list[str]

    @staticmethod
    def resolve_until(obj: User) -> datetime | None:
        return obj.access_until

    @staticmethod
    def resolve_active(obj: User) -> bool:
        return not obj.access_expired()

    @staticmethod
    def resolve_units(obj: User) -> list[str]:
        return sorted(u.code for u in obj.scope_units.all())

    @staticmethod
    def resolve_modules(obj: User) -> list[str]:
        return list(obj.scope_modules or [])


class InvestigatorIn(Schema):
    username: str = Field(..., min_length=2, max_length=150)
    until: str = Field(..., description="YYYY-MM-DD (through that day) or YYYY-MM-DDTHH:MM, UTC")
    units: list[str] = Field(default_factory=list, description="Org unit codes; empty: every unit")
    modules: list[str] = Field(default_factory=list, description="Module keys; empty: every module")
    email: str = Field("", max_length=254)


class AccessLogOut(Schema):
    seq: int
    at: datetime
    method: str
    path: str
    status: int

    @staticmethod
    def resolve_method(obj: LedgerEntry) -> str:
        return str(obj.summary.get("method", ""))

    @staticmethod
    def resolve_path(obj: LedgerEntry) -> str:
        return str(obj.summary.get("path", ""))

    @staticmethod
    def resolve_status(obj: LedgerEntry) -> int:
        return int(obj.summary.get("status", 0))


@router.get(
    "/investigators", response=list[InvestigatorOut], summary="Investigators and time-limited auditors"
)
@paginate(Page)
def list_investigators(request: HttpRequest) -> object:
    return selectors.investigator_index(actor=actor_of(request))


@router.post("/investigators", response={200: InvestigatorOut, 201: InvestigatorOut}, summary="Grant access")
def grant_investigator(request: HttpRequest, payload: InvestigatorIn) -> Status:
    actor = actor_of(request)
    user, created = investigators.investigator_grant(
        actor=actor,
        username=payload.username,
        until=investigators.parse_until(payload.until),
        units=payload.units,
        modules=payload.modules,
        email=payload.email,
    )
    return Status(201 if created else 200, selectors.investigator_for(actor=actor, username=user.username))


@router.post("/investigators/{username}/revoke", response=InvestigatorOut, summary="End access now")
def revoke_investigator(request: HttpRequest, username: str) -> User:
    actor = actor_of(request)
    investigators.investigator_revoke(actor=actor, username=username)
    return selectors.investigator_for(actor=actor, username=username)


@router.get(
    "/investigators/{username}/access-log",
    response=list[AccessLogOut],
    summary="What an investigator read (officers and admins)",
)
@paginate(Page)
def investigator_access_log(request: HttpRequest, username: str) -> object:
    actor = actor_of(request)
    subject = selectors.investigator_for(actor=actor, username=username)
    return selectors.access_log(actor=actor, subject=subject)


@router.get("/me/access-log", response=list[AccessLogOut], summary="What you read (investigators)")
@paginate(Page)
def my_access_log(request: HttpRequest) -> object:
    return selectors.access_log(actor=actor_of(request))
