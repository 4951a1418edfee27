"""The one scoping helper every selector uses: which rows may this actor see, and may it act?

Deny by default. Internal users see the org units they are scoped to with their subtrees (admins and
auditors see every unit); portal users (suppliers, customers) see only rows of their own organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import SystemActor
from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, User
from conduct.apps.accounts.roles import Role, investigator_may, role_has
from conduct.apps.errors import Forbidden

M = TypeVar("M", bound=Model)


def can(actor: User | SystemActor, permission: str) -> bool:
    """Whether the actor's role holds `permission` (a system actor holds every permission). Never None: an
    anonymous request is refused before any page or endpoint runs."""
    if isinstance(actor, SystemActor):
        return True
    if not isinstance(actor, User):  # None, a string: a caller that names no actor is a bug, not a refusal
        raise TypeError(f"An Actor (a User or a SystemActor) is needed, not {actor!r}.")
    if not actor.is_active or actor.access_pending or not role_has(actor.role, permission):
        return False
    if actor.access_expired():
        return False
    return actor.role != Role.INVESTIGATOR or investigator_may(actor.scope_modules or [], permission)


def require(actor: User | SystemActor, permission: str) -> None:
    if not can(actor, permission):
        raise Forbidden(
            _("Your role may not do this (%(permission)s).") % {"permission": permission}, code="forbidden"
        )


def unit_paths(actor: User) -> list[str] | None:
    """Materialised paths of the subtrees the actor may see; None means every unit."""
    if actor.sees_all_units:
        return None
    if actor.is_portal:
        return []
    prefetched = getattr(actor, "_prefetched_objects_cache", {}).get("scope_units")
    if prefetched is not None:  # a prefetch_related("scope_units") was made: no query
        return [unit.path for unit in prefetched]
    return unit_paths_many([actor])[actor.pk]


def unit_paths_many(actors: Sequence[User]) -> dict[int, list[str] | None]:
    """`unit_paths` of several actors (by pk), reading the scoped ones' units in one statement. Read on nearly
    every request, so plain SQL: the ORM builds the same join for several times the cost."""
    result: dict[int, list[str] | None] = {}
    scoped = []
    investigators = set()
    for actor in actors:
        if actor.role == Role.INVESTIGATOR:  # the units granted, read below; none granted: every unit
            result[actor.pk] = []
            scoped.append(actor.pk)
            investigators.add(actor.pk)
        elif actor.sees_all_units:
            result[actor.pk] = None
        else:
            result[actor.pk] = []
            if not actor.is_portal:
                scoped.append(actor.pk)
    if scoped:
        marks = ", ".join(["%s"] * len(scoped))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.user_id, u.path FROM accounts_orgunit u JOIN accounts_user_scope_units s"  # noqa: S608
                f" ON s.orgunit_id = u.id WHERE s.user_id IN ({marks}) ORDER BY u.path",
                scoped,  # placeholders only
            )
            for user_id, path in cursor.fetchall():
                paths = result[user_id]
                assert paths is not None
                paths.append(path)
    for pk in investigators:
        if not result[pk]:
            result[pk] = None
    return result


def path_in_scope(paths: list[str] | None, unit: OrgUnit) -> bool:
    """Whether `unit` lies in the subtrees `paths` (from `unit_paths`; None = every unit)."""
    return paths is None or any(unit.path.startswith(p) for p in paths)


def units_q(actor: User, field: str) -> Q:
    """A Q restricting `field` (a path to an OrgUnit, e.g. "org_unit") to the actor's subtrees."""
    paths = unit_paths(actor)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    prefix = f"{field}__path__startswith" if field else "path__startswith"
    q = Q()
    for path in paths:
        q |= Q(**{prefix: path})
    return q


def scoped(
    queryset: QuerySet[M],
    actor: User | SystemActor,
    *,
    permission: str,
    unit_field: str | None = None,
    portal_field: str | None = None,
    global_model: bool = False,
) -> QuerySet[M]:
    """Rows of `queryset` the actor may read under `permission`.

    unit_field: path to the owning OrgUnit ("" for OrgUnit itself). portal_field: path to the owning
    PortalOrganisation. global_model: rows that belong to no unit (visible to anyone holding the
    permission). A model with neither is visible to nobody but admins and auditors.
    """
    if isinstance(actor, SystemActor):  # the CLI, the scheduler, the demo: every row
        return queryset
    if not can(actor, permission):
        return queryset.none()
    if actor.is_portal:
        if portal_field is None or actor.portal_org_id is None:
            return queryset.none()
        return queryset.filter(**{portal_field: actor.portal_org_id})
    if global_model:
        return queryset
    if unit_field is None:
        return queryset if actor.sees_all_units else queryset.none()
    return queryset.filter(units_q(actor, unit_field))


def unit_in_scope(actor: User, unit: OrgUnit) -> bool:
    return path_in_scope(unit_paths(actor), unit)


def require_unit(actor: User | SystemActor, permission: str, unit: OrgUnit) -> None:
    if isinstance(actor, SystemActor):
        return
    require(actor, permission)
    if not unit_in_scope(actor, unit):
        raise Forbidden(
            _("%(name)s is outside the org units you are scoped to.") % {"name": unit.name},
            code="out_of_scope",
        )


def authorize(
    actor: User | SystemActor,
    permission: str,
    *,
    unit: OrgUnit | None = None,
    portal_org: PortalOrganisation | int | None = None,
) -> None:
    """The one permission check every service makes before it reads for a write or writes.

    A system actor (CLI, scheduler, demo, device) may do anything: it is only ever built by those code paths.
    A user needs the permission in their role; with `unit`, the unit must lie in their subtrees (portal users
    act on no unit); with `portal_org`, a portal user must belong to that organisation (internal users are
    judged by `unit` alone). Raises Forbidden otherwise."""
    if isinstance(actor, SystemActor):
        return
    require(actor, permission)
    if portal_org is not None and actor.is_portal:
        org_id = portal_org if isinstance(portal_org, int) else portal_org.pk
        if actor.portal_org_id != org_id:
            raise Forbidden(_("This record belongs to another organisation."), code="out_of_scope")
        return
    if unit is not None and not unit_in_scope(actor, unit):
        raise Forbidden(
            _("%(name)s is outside the org units you are scoped to.") % {"name": unit.name},
            code="out_of_scope",
        )
