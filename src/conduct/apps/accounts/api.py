"""JSON API for org units, users, liaisons and tokens (/api/v1/...).

The services make the full permission check (role and unit). A write whose references or target are looked
up through a scoped read first checks the role alone, so that a role without the permission is refused with
403 before the lookup could answer 404 or 422.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts import mfa, selectors, services, sessions
from conduct.apps.accounts.models import ApiToken, Liaison, OrgUnit, User, UserSession
from conduct.apps.accounts.roles import Role, matrix
from conduct.apps.apikit import Page, actor_of
from conduct.apps.errors import Invalid

router = Router(tags=["organisation"])

RoleName = Literal[
    "admin",
    "compliance_officer",
    "liaison",
    "committee_member",
    "analyst",
    "auditor",
    "supplier",
    "customer",
    "investigator",
]
UnitKind = Literal["headquarters", "department", "business_unit", "branch"]


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    country: str
    parent_id: int | None
    depth: int
    is_active: bool
    liaison_count: int = 0


class OrgUnitIn(Schema):
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=200)
    kind: UnitKind
    country: str = Field(..., min_length=2, max_length=2)
    parent: str | int | None = Field(None, description="Parent unit id or code")


class OrgUnitPatch(Schema):
    name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, min_length=2, max_length=2)
    is_active: bool | None = None


class OrgUnitQuery(Schema):
    kind: UnitKind | None = None
    country: str | None = Field(None, max_length=2)
    q: str | None = Field(None, max_length=100)
    parent: int | None = None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    is_active: bool
    is_service_account: bool
    home_unit: str | None
    scope_units: list[str]
    portal_org: str | None

    @staticmethod
    def resolve_home_unit(obj: User) -> str | None:
        return obj.home_unit.code if obj.home_unit else None

    @staticmethod
    def resolve_scope_units(obj: User) -> list[str]:
        return sorted(u.code for u in obj.scope_units.all())

    @staticmethod
    def resolve_portal_org(obj: User) -> str | None:
        return obj.portal_org.name if obj.portal_org else None


class UserIn(Schema):
    username: str = Field(..., max_length=150)
    role: RoleName
    email: str = Field("", max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    password: str | None = Field(None, max_length=256)
    scope_units: list[str] = Field(default_factory=list, max_length=500)
    home_unit: str | None = None
    portal_org: str | None = Field(
        None, max_length=300, description="Name of the supplier/customer organisation"
    )
    is_service_account: bool = False


class UserPatch(Schema):
    role: RoleName | None = None
    email: str | None = Field(None, max_length=254)
    is_active: bool | None = None
    scope_units: list[str] | None = Field(None, max_length=500)


class MfaResetOut(Schema):
    removed: int = Field(description="How many second factors (apps, keys, recovery codes) were removed.")


class LiaisonOut(Schema):
    id: int
    user_id: int
    username: str
    org_unit_id: int
    org_unit: str
    is_primary: bool
    since: str

    @staticmethod
    def resolve_username(obj: Liaison) -> str:
        return obj.user.username

    @staticmethod
    def resolve_org_unit(obj: Liaison) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_since(obj: Liaison) -> str:
        return obj.since.isoformat()


class LiaisonIn(Schema):
    user: str | int
    org_unit: str | int
    is_primary: bool = False


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    username: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    status: str

    @staticmethod
    def resolve_username(obj: ApiToken) -> str:
        return obj.user.username


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The secret. Shown only in this answer; store it now.")


class TokenIn(Schema):
    name: str = Field(..., max_length=100)
    scope: Literal["read", "read-write"] = "read"
    expires_days: int | None = Field(None, ge=1, le=3650)
    user: str | int | None = Field(None, description="Service account (admins only); default yourself")


class SessionOut(Schema):
    id: int
    username: str
    agent: str
    created_at: datetime
    last_seen_at: datetime
    current: bool = False

    @staticmethod
    def resolve_username(obj: UserSession) -> str:
        return obj.user.username


class SessionQuery(Schema):
    everyone: bool = Field(False, description="Every user's sessions (administrators)")
    user: str | None = Field(None, max_length=150, description="Only this user's sessions")


class MeOut(Schema):
    id: int
    username: str
    role: str
    display_name: str
    scope_units: list[str]
    permissions: list[str]


def _unit_ref(actor: User, ref: str | int | None, field: str, permission: str) -> OrgUnit | None:
    return selectors.unit_ref(actor=actor, ref=ref, field=field, permission=permission)


def _unit_refs(actor: User, refs: list[str]) -> list[OrgUnit]:
    """A user's scope units, for a user change (`users.manage`)."""
    return [u for u in (_unit_ref(actor, r, "scope_units", "users.manage") for r in refs) if u]


def _required_unit_ref(actor: User, ref: str | int, field: str, permission: str) -> OrgUnit:
    unit = _unit_ref(actor, ref, field, permission)
    if unit is None:
        raise Invalid(_("An org unit is required."), fields={field: _("Name an org unit by id or code.")})
    return unit


# --- me -------------------------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    return {
        "id": actor.pk,
        "username": actor.username,
        "role": actor.role,
        "display_name": actor.display_name,
        "scope_units": sorted(u.code for u in actor.scope_units.all()),
        "permissions": sorted(p for p, roles in matrix().items() if actor.role in roles),
    }


# --- org units ------------------------------------------------------------------------------------


@router.get("/org-units", response=list[OrgUnitOut], summary="List org units you can see")
@paginate(Page)
def list_units(request: HttpRequest, filters: Query[OrgUnitQuery]) -> object:
    return selectors.orgunit_list(actor=actor_of(request), filters=selectors.OrgUnitFilters(**filters.dict()))


@router.get("/org-units/without-liaison", response=list[OrgUnitOut], summary="Active units with no liaison")
@paginate(Page)
def list_units_without_liaison(request: HttpRequest) -> object:
    return selectors.units_without_liaison(actor=actor_of(request))


@router.get("/org-units/{unit_id}", response=OrgUnitOut)
def get_unit(request: HttpRequest, unit_id: str) -> OrgUnit:
    return selectors.orgunit_get(actor=actor_of(request), unit_id=unit_id)


@router.post("/org-units", response={201: OrgUnitOut})
def create_unit(request: HttpRequest, payload: OrgUnitIn) -> Status:
    actor = actor_of(request)
    parent = _unit_ref(actor, payload.parent, "parent", "orgunits.change")
    unit = services.orgunit_create(
        actor=actor,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        country=payload.country,
        parent=parent,
    )
    return Status(201, selectors.orgunit_get(actor=actor, unit_id=unit.pk))


@router.patch("/org-units/{unit_id}", response=OrgUnitOut)
def update_unit(request: HttpRequest, unit_id: str, payload: OrgUnitPatch) -> OrgUnit:
    actor = actor_of(request)
    unit = selectors.orgunit_for_change(actor=actor, unit_id=unit_id)
    services.orgunit_update(actor=actor, unit=unit, **payload.dict(exclude_unset=True))
    return selectors.orgunit_get(actor=actor, unit_id=unit.pk)


# --- users ------------------------------------------------------------------------------------


@router.get("/users", response=list[UserOut])
@paginate(Page)
def list_users(request: HttpRequest, role: RoleName | None = None, q: str | None = None) -> object:
    return selectors.user_index(actor=actor_of(request), role=role, q=q)


@router.get("/users/{user_id}", response=UserOut)
def get_user(request: HttpRequest, user_id: str) -> User:
    return selectors.user_for(actor=actor_of(request), user_id=user_id)


@router.post("/users", response={201: UserOut})
def create_user(request: HttpRequest, payload: UserIn) -> Status:
    actor = actor_of(request)
    home = _unit_ref(actor, payload.home_unit, "home_unit", "users.manage")
    units = [
        u for u in (_unit_ref(actor, r, "scope_units", "users.manage") for r in payload.scope_units) if u
    ]
    portal_org = None
    if payload.portal_org:
        portal_org = selectors.portal_org_by_name(name=payload.portal_org, kind=payload.role)
        if portal_org is None:
            raise Invalid(
                _("Unknown organisation."),
                fields={
                    "portal_org": _("No %(role)s named %(portal_org)s.")
                    % {"role": payload.role, "portal_org": repr(payload.portal_org)}
                },
            )
    user = services.user_create(
        actor=actor,
        username=payload.username,
        role=payload.role,
        password=payload.password,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        scope_units=units,
        home_unit=home,
        portal_org=portal_org,
        is_service_account=payload.is_service_account,
    )
    return Status(201, user)


@router.post("/users/{user_id}/mfa-reset", response=MfaResetOut)
def reset_user_mfa(request: HttpRequest, user_id: str) -> dict[str, int]:
    """Remove every second factor of a user who lost theirs (administrators; ledgered `mfa.reset`)."""
    actor = actor_of(request)
    user = selectors.user_for(actor=actor, user_id=user_id)
    return {"removed": mfa.mfa_reset(actor=actor, user=user)}


@router.patch("/users/{user_id}", response=UserOut)
def update_user(request: HttpRequest, user_id: str, payload: UserPatch) -> User:
    actor = actor_of(request)
    user = selectors.user_for(actor=actor, user_id=user_id, permission="users.manage")
    data = payload.dict(exclude_unset=True)
    units = None
    if data.get("scope_units") is not None:
        units = [
            u for u in (_unit_ref(actor, r, "scope_units", "users.manage") for r in data["scope_units"]) if u
        ]
    services.user_update(
        actor=actor,
        user=user,
        role=data.get("role"),
        email=data.get("email"),
        is_active=data.get("is_active"),
        scope_units=units,
    )
    return selectors.user_get(actor=actor, user_id=user.pk)


# --- liaisons ---------------------------------------------------------------------------------


@router.get("/liaisons", response=list[LiaisonOut])
@paginate(Page)
def list_liaisons(request: HttpRequest, org_unit: int | None = None) -> object:
    return selectors.liaison_index(actor=actor_of(request), unit_id=org_unit)


@router.post("/liaisons", response={201: LiaisonOut})
def create_liaison(request: HttpRequest, payload: LiaisonIn) -> Status:
    actor = actor_of(request)
    unit = _required_unit_ref(actor, payload.org_unit, "org_unit", "liaisons.change")
    user = selectors.user_ref(actor=actor, ref=payload.user, permission="liaisons.change")
    return Status(
        201, services.liaison_assign(actor=actor, user=user, unit=unit, is_primary=payload.is_primary)
    )


@router.delete("/liaisons/{liaison_id}", response={204: None})
def delete_liaison(request: HttpRequest, liaison_id: int) -> Status:
    actor = actor_of(request)
    services.liaison_remove(
        actor=actor, liaison=selectors.liaison_for_change(actor=actor, liaison_id=liaison_id)
    )
    return Status(204, None)


# --- tokens -----------------------------------------------------------------------------------


@router.get("/tokens", response=list[TokenOut])
@paginate(Page)
def list_tokens(request: HttpRequest) -> object:
    return selectors.token_list(actor=actor_of(request))


@router.post("/tokens", response={201: TokenCreatedOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    actor = actor_of(request)
    target = actor
    if payload.user is not None and str(payload.user) not in {str(actor.pk), actor.username}:
        target = selectors.user_ref(actor=actor, ref=payload.user, permission="tokens.service")
    token, secret = services.token_create(
        actor=actor, user=target, name=payload.name, scope=payload.scope, expires_days=payload.expires_days
    )
    # Answer with the row itself (its resolvers need the model) plus the secret, shown only here.
    token.token = secret
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    actor = actor_of(request)
    return services.token_revoke(actor=actor, token=selectors.token_get(actor=actor, token_id=token_id))


# --- sessions ---------------------------------------------------------------------------------


@router.get("/sessions", response=list[SessionOut], summary="Signed-in sessions")
@paginate(Page)
def list_sessions(request: HttpRequest, filters: Query[SessionQuery]) -> object:
    rows = selectors.session_list(actor=actor_of(request), everyone=filters.everyone, username=filters.user)
    current = request.session.session_key if hasattr(request, "session") else None
    return [_mark_current(row, current) for row in rows]


def _mark_current(row: UserSession, current: str | None) -> UserSession:
    row.current = row.session_key == current  # type: ignore[attr-defined]
    return row


@router.delete("/sessions/{session_id}", response={204: None}, summary="End a session")
def end_session(request: HttpRequest, session_id: int) -> Status:
    actor = actor_of(request)
    sessions.session_end(actor=actor, session=selectors.session_get(actor=actor, session_id=session_id))
    return Status(204, None)


# --- roles ------------------------------------------------------------------------------------


@router.get("/roles", response=list[dict[str, str]], summary="The roles Conduct knows")
def list_roles(request: HttpRequest) -> list[dict[str, str]]:
    return [{"role": value, "label": str(label)} for value, label in Role.choices]
