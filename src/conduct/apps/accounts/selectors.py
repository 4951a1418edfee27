"""Scoped reads for the organisation. Every function takes the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from conduct.apps.accounts.models import ApiToken, Liaison, OrgUnit, User
from conduct.apps.accounts.scoping import can, scoped
from conduct.apps.errors import NotFound


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
    qs = orgunit_list(actor=actor)
    unit = qs.filter(pk=unit_id).first() if str(unit_id).isdigit() else qs.filter(code=unit_id).first()
    if unit is None:
        raise NotFound(f"No org unit {unit_id!r} that you can see.")
    return unit


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
        raise NotFound(f"No liaison {liaison_id} that you can see.")
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
    qs = user_list(actor=actor)
    user = qs.filter(pk=user_id).first() if str(user_id).isdigit() else qs.filter(username=user_id).first()
    if user is None:
        raise NotFound(f"No user {user_id!r} that you can see.")
    return user


def token_list(*, actor: User) -> QuerySet[ApiToken]:
    """Your own tokens; administrators also see service accounts' tokens."""
    q = Q(user=actor)
    if can(actor, "tokens.service"):
        q |= Q(user__is_service_account=True)
    return ApiToken.objects.filter(q).select_related("user").order_by("-created_at")


def token_get(*, actor: User, token_id: int) -> ApiToken:
    token = token_list(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"No token {token_id} that you can see.")
    return token


def coverage(*, actor: User) -> dict[str, int]:
    units = orgunit_list(actor=actor, filters=OrgUnitFilters(active=True))
    total = units.count()
    without = units.filter(liaison_count=0).count()
    return {"units": total, "covered": total - without, "without_liaison": without}
