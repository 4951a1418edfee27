"""Scoped reads for the organisation. Every function takes the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import ApiToken, Liaison, OrgUnit, PortalOrganisation, User, UserSession
from conduct.apps.accounts.roles import PORTAL_ROLES, Role
from conduct.apps.accounts.scoping import can, require, scoped
from conduct.apps.accounts.sessions import live_session_keys
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Invalid, NotFound

_MAX_DB_ID = 2**63 - 1  # a larger id cannot name a row (and overflows the database driver)


def _id_or_name(ref: int | str) -> tuple[int | None, str | None]:
    """A reference read as an id (all digits) or a name; an id too large for any row is neither."""
    text = str(ref)
    if text.isdigit():
        return (int(text), None) if int(text) <= _MAX_DB_ID else (None, None)
    return None, text


@dataclass(frozen=True)
class OrgUnitFilters:
    kind: str | None = None
    country: str | None = None
    q: str | None = None
    parent: int | None = None
    active: bool | None = None


def orgunit_list(*, actor: User, filters: OrgUnitFilters | None = None) -> QuerySet[OrgUnit]:
    qs = scoped(OrgUnit.objects.all(), actor, permission="orgunits.view", unit_field="")
    f = filters or OrgUnitFilters()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.country:
        qs = qs.filter(country=f.country.upper())
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q))
    if f.parent is not None:
        qs = qs.filter(parent_id=f.parent)
    if f.active is not None:
        qs = qs.filter(is_active=f.active)
    return (
        qs.select_related("parent").annotate(liaison_count=Count("liaisons", distinct=True)).order_by("path")
    )


def orgunit_get(*, actor: User, unit_id: int | str) -> OrgUnit:
    pk, code = _id_or_name(unit_id)
    qs = orgunit_list(actor=actor)
    unit = qs.filter(pk=pk).first() if pk is not None else qs.filter(code=code).first() if code else None
    if unit is None:
        raise NotFound(_("No org unit %(unit_id)s that you can see.") % {"unit_id": repr(unit_id)})
    return unit


def orgunits_by_ids(*, actor: User, ids: Iterable[str]) -> list[OrgUnit]:
    """The units among `ids` (text from a form) that the actor can see; anything not an id is ignored."""
    pks = [pk for pk, _ in map(_id_or_name, ids) if pk is not None]
    return list(orgunit_list(actor=actor).filter(pk__in=pks)) if pks else []


def internal_user_by_username(username: str) -> User | None:
    """An active internal (not portal) user, by user name: e.g. the owner a record names."""
    return User.objects.filter(username=username, is_active=True).exclude(role__in=PORTAL_ROLES).first()


def units_without_liaison(*, actor: User) -> QuerySet[OrgUnit]:
    return orgunit_list(actor=actor, filters=OrgUnitFilters(active=True)).filter(liaison_count=0)


def liaison_list(*, actor: User, unit_id: int | None = None) -> QuerySet[Liaison]:
    qs = scoped(Liaison.objects.all(), actor, permission="liaisons.view", unit_field="org_unit")
    if unit_id is not None:
        qs = qs.filter(org_unit_id=unit_id)
    return qs.select_related("user", "org_unit")


def liaison_get(*, actor: User, liaison_id: int) -> Liaison:
    liaison = liaison_list(actor=actor).filter(pk=liaison_id).first()
    if liaison is None:
        raise NotFound(_("No liaison %(liaison_id)s that you can see.") % {"liaison_id": liaison_id})
    return liaison


def user_list(*, actor: User, role: str | None = None, q: str | None = None) -> QuerySet[User]:
    if not can(actor, "users.view"):
        return User.objects.none()
    qs = User.objects.all()
    if not actor.sees_all_units:
        # An officer sees the users scoped to, or based in, the units in their own scope.
        qs = scoped(qs, actor, permission="users.view", unit_field="home_unit") | scoped(
            User.objects.all(), actor, permission="users.view", unit_field="scope_units"
        )
        qs = qs.distinct()
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    return qs.select_related("home_unit", "portal_org").prefetch_related("scope_units").order_by("username")


def user_get(*, actor: User, user_id: int | str) -> User:
    pk, username = _id_or_name(user_id)
    qs = user_list(actor=actor)
    user = (
        qs.filter(pk=pk).first()
        if pk is not None
        else qs.filter(username=username).first()
        if username
        else None
    )
    if user is None:
        raise NotFound(_("No user %(user_id)s that you can see.") % {"user_id": repr(user_id)})
    return user


def user_by_ref(ref: int | str) -> User | None:
    """Any user, by id or user name: for naming the user a write is about (the write's service decides)."""
    pk, username = _id_or_name(ref)
    if pk is not None:
        return User.objects.filter(pk=pk).first()
    return User.objects.filter(username=username).first() if username else None


def portal_org_by_name(*, name: str, kind: str) -> PortalOrganisation | None:
    return PortalOrganisation.objects.filter(name=name, kind=kind).first()


def token_list(*, actor: User) -> QuerySet[ApiToken]:
    """Your own tokens; administrators also see service accounts' tokens (403 without `tokens.own`)."""
    require(actor, "tokens.own")
    q = Q(user=actor)
    if can(actor, "tokens.service"):
        q |= Q(user__is_service_account=True)
    return ApiToken.objects.filter(q).select_related("user").order_by("-created_at")


def token_get(*, actor: User, token_id: int) -> ApiToken:
    token = token_list(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No token %(token_id)s that you can see.") % {"token_id": token_id})
    return token


def session_list(
    *, actor: User, everyone: bool = False, username: str | None = None
) -> QuerySet[UserSession]:
    """Signed-in sessions still alive: your own; with `everyone`, an administrator's view of all users' (403
    without `sessions.manage`)."""
    require(actor, "sessions.manage" if everyone else "sessions.own")
    qs = UserSession.objects.all() if everyone else UserSession.objects.filter(user=actor)
    if username:
        qs = qs.filter(user__username=username)
    live = live_session_keys()
    if live is not None:
        qs = qs.filter(session_key__in=live)
    return qs.select_related("user").order_by("-last_seen_at", "-pk")


def session_get(*, actor: User, session_id: int) -> UserSession:
    """One of your sessions, or for an administrator anyone's (404 for others')."""
    require(actor, "sessions.own")
    qs = session_list(actor=actor, everyone=can(actor, "sessions.manage"))
    found = qs.filter(pk=session_id).first()
    if found is None:
        raise NotFound(_("No session %(session_id)s that you can see.") % {"session_id": session_id})
    return found


def coverage(*, actor: User) -> dict[str, int]:
    units = orgunit_list(actor=actor, filters=OrgUnitFilters(active=True))
    total = units.count()
    without = units.filter(liaison_count=0).count()
    return {"units": total, "covered": total - without, "without_liaison": without}


# --- what a page or endpoint reads first: 403 for a role without the permission, then 404 / 422 ---------


def home_page(*, actor: User) -> str:
    """Where `/` sends the actor: portal users to the portal, staff to the dashboard, and roles that work in
    one module only to it (grievance officers: grievances; product security: the product register; support
    engineers: device access)."""
    if actor.is_portal:
        return "portal"
    for permission, page in (
        ("dashboard.view", "dashboard"),
        ("grievances.view", "grievances"),
        ("products.view", "products"),
    ):
        if can(actor, permission):
            return page
    return "access"


def orgunit_index(*, actor: User, filters: OrgUnitFilters | None = None) -> QuerySet[OrgUnit]:
    require(actor, "orgunits.view")
    return orgunit_list(actor=actor, filters=filters)


def unit_choices(*, actor: User, permission: str) -> QuerySet[OrgUnit]:
    """The units a form offers for a change that needs `permission` (checked before the form is read)."""
    require(actor, permission)
    return orgunit_list(actor=actor)


def unit_ref(*, actor: User, ref: str | int | None, field: str, permission: str) -> OrgUnit | None:
    """The unit a body names by id or code, for a change that needs `permission`: None when it names none;
    an unknown or unseen one is a 422 on `field`."""
    require(actor, permission)
    if ref is None or ref == "":
        return None
    try:
        return orgunit_get(actor=actor, unit_id=ref)
    except NotFound:
        raise Invalid(
            _("Unknown org unit."),
            fields={field: _("No org unit %(ref)s that you can see.") % {"ref": repr(ref)}},
        ) from None


def orgunit_for_change(*, actor: User, unit_id: int | str) -> OrgUnit:
    require(actor, "orgunits.change")
    return orgunit_get(actor=actor, unit_id=unit_id)


def user_index(*, actor: User, role: str | None = None, q: str | None = None) -> QuerySet[User]:
    require(actor, "users.view")
    return user_list(actor=actor, role=role, q=q)


def user_for(*, actor: User, user_id: int | str, permission: str = "users.view") -> User:
    """A user a path names: `users.view` to read one, `users.manage` to change one."""
    require(actor, permission)
    return user_get(actor=actor, user_id=user_id)


def user_ref(*, actor: User, ref: int | str, permission: str) -> User:
    """Any user a body names (user_by_ref), for a change that needs `permission`; unknown is a 422."""
    require(actor, permission)
    user = user_by_ref(ref)
    if user is None:
        raise Invalid(_("Unknown user."), fields={"user": _("No user %(ref)s.") % {"ref": repr(ref)}})
    return user


def liaison_index(*, actor: User, unit_id: int | None = None) -> QuerySet[Liaison]:
    require(actor, "liaisons.view")
    return liaison_list(actor=actor, unit_id=unit_id)


def liaison_for_change(*, actor: User, liaison_id: int) -> Liaison:
    require(actor, "liaisons.change")
    return liaison_get(actor=actor, liaison_id=liaison_id)


# --- investigator access (issue 18) ----------------------------------------------------------


def investigator_index(*, actor: User) -> QuerySet[User]:
    """Investigators, and auditors with an end of access: who may read, until when. Officers and admins."""
    require(actor, "investigators.view")
    accounts = User.objects.filter(
        Q(role=Role.INVESTIGATOR) | Q(role=Role.AUDITOR, access_until__isnull=False)
    ).prefetch_related("scope_units")
    return scoped(accounts, actor, permission="investigators.view", global_model=True).order_by("username")


def investigator_for(*, actor: User, username: str) -> User:
    """An investigator (or auditor) a path names: 403 for a role that may not see them, then 404."""
    found = investigator_index(actor=actor).filter(username=username).first()
    if found is None:
        raise NotFound(_("No investigator or auditor named %(name)r.") % {"name": username})
    return found


def access_log(*, actor: User, subject: User | None = None) -> QuerySet[LedgerEntry]:
    """The `investigator.read` entries of `subject` (officers and admins), or of the actor itself (an
    investigator's own log), newest first."""
    if subject is None or subject.pk == actor.pk:
        require(actor, "investigators.own_log")
        subject, permission = actor, "investigators.own_log"
    else:
        require(actor, "investigators.view")
        permission = "investigators.view"
    entries = LedgerEntry.objects.filter(
        object_type="user", object_id=str(subject.pk), action=AccountsAction.INVESTIGATOR_READ
    ).order_by("-seq")
    return scoped(entries, actor, permission=permission, global_model=True)
