"""Writes for the organisation: org units, users and liaisons (API tokens: services_tokens, re-exported
here). Each is audited."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import (
    Liaison,
    OrgUnit,
    OrgUnitKind,
    PortalOrganisation,
    User,
)
from conduct.apps.accounts.roles import PORTAL_ORG_KIND, PORTAL_ROLES, Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.accounts.services_tokens import (  # noqa: F401 - re-exported for views, api, the CLI
    TOKEN_PREFIX,
    hash_token,
    token_authenticate,
    token_create,
    token_revoke,
)
from conduct.apps.accounts.sessions import end_sessions
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound
from conduct.core.countries import is_country_code

_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{2,150}$")


# --- org units -------------------------------------------------------------------------------


def _check_unit_fields(*, code: str, name: str, kind: str, country: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _CODE_RE.match(code or ""):
        errors["code"] = _(
            "Use 1-64 lower-case letters, digits and hyphens, starting with a letter or digit."
        )
    if not (name or "").strip():
        errors["name"] = _("A name is required.")
    elif len(name) > 200:
        errors["name"] = _("At most 200 characters.")
    if kind not in OrgUnitKind.values:
        errors["kind"] = _("Unknown kind %(kind)s; expected one of %(values)s.") % {
            "kind": repr(kind),
            "values": ", ".join(OrgUnitKind.values),
        }
    if not is_country_code(country or ""):
        errors["country"] = _("%(country)s is not an ISO 3166-1 alpha-2 country code.") % {
            "country": repr(country)
        }
    return errors


@transaction.atomic
def orgunit_create(
    *, actor: Actor, code: str, name: str, kind: str, country: str, parent: OrgUnit | None = None
) -> OrgUnit:
    authorize(actor, "orgunits.change", unit=parent)
    if parent is None and isinstance(actor, User) and not actor.sees_all_units:
        raise Forbidden(_("Only an administrator may create a top-level unit."), code="out_of_scope")
    country = (country or "").upper()
    errors = _check_unit_fields(code=code, name=name, kind=kind, country=country)
    if parent is None and kind != OrgUnitKind.HEADQUARTERS and not errors:
        errors["parent"] = _("Only a headquarters may stand at the top of the tree; choose a parent unit.")
    if errors:
        raise Invalid(_("The org unit is not valid."), fields=errors)
    if OrgUnit.objects.filter(code=code).exists():
        raise Conflict(
            _("An org unit with code %(code)s already exists.") % {"code": repr(code)},
            fields={"code": _("Already in use.")},
        )
    unit = OrgUnit.objects.create(code=code, name=name.strip(), kind=kind, country=country, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk:06d}/"
    unit.depth = (parent.depth + 1) if parent else 0
    unit.save(update_fields=["path", "depth"])
    ledger_append(
        actor=actor,
        action=AccountsAction.ORGUNIT_CREATE,
        object_type="orgunit",
        object_id=unit.pk,
        summary={
            "code": code,
            "name": unit.name,
            "kind": kind,
            "country": country,
            "parent": parent.code if parent else None,
        },
    )
    return unit


@transaction.atomic
def orgunit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str | None = None,
    country: str | None = None,
    is_active: bool | None = None,
) -> OrgUnit:
    authorize(actor, "orgunits.change", unit=unit)
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if name is not None:
        if not name.strip() or len(name) > 200:
            errors["name"] = _("A name of 1-200 characters is required.")
        elif name.strip() != unit.name:
            changes["name"] = [unit.name, name.strip()]
            unit.name = name.strip()
    if country is not None:
        country = country.upper()
        if not is_country_code(country):
            errors["country"] = _("%(country)s is not an ISO 3166-1 alpha-2 country code.") % {
                "country": repr(country)
            }
        elif country != unit.country:
            changes["country"] = [unit.country, country]
            unit.country = country
    if is_active is not None and is_active != unit.is_active:
        changes["is_active"] = [unit.is_active, is_active]
        unit.is_active = is_active
    if errors:
        raise Invalid(_("The org unit is not valid."), fields=errors)
    if changes:
        unit.save()
        ledger_append(
            actor=actor,
            action=AccountsAction.ORGUNIT_UPDATE,
            object_type="orgunit",
            object_id=unit.pk,
            summary=changes,
        )
    return unit


# --- users -----------------------------------------------------------------------------------


@transaction.atomic
def portal_org_create(*, actor: Actor, name: str, kind: str, country: str = "") -> PortalOrganisation:
    authorize(actor, "users.manage")
    if kind not in PortalOrganisation.Kind.values:
        raise Invalid(
            _("Unknown organisation kind."),
            fields={"kind": _("Expected supplier or customer, not %(kind)s.") % {"kind": repr(kind)}},
        )
    if not name.strip():
        raise Invalid(_("A name is required."), fields={"name": _("A name is required.")})
    org, created = PortalOrganisation.objects.get_or_create(
        kind=kind, name=name.strip(), defaults={"country": country}
    )
    if created:
        ledger_append(
            actor=actor,
            action=AccountsAction.PORTALORG_CREATE,
            object_type="portalorg",
            object_id=org.pk,
            summary={"name": org.name, "kind": kind, "country": country},
        )
    return org


def check_user_fields(*, username: str, role: str, portal_org: PortalOrganisation | None) -> dict[str, str]:
    """Problems with a new user's name, role and portal organisation, by field (a taken name is a 409)."""
    errors: dict[str, str] = {}
    if not _USERNAME_RE.match(username or ""):
        errors["username"] = _("Use 2-150 letters, digits and . @ + - _ characters.")
    elif User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("A user named %(username)s already exists.") % {"username": repr(username)},
            fields={"username": _("Already taken.")},
        )
    if role not in Role.values:
        errors["role"] = _("Unknown role %(role)s; expected one of %(values)s.") % {
            "role": repr(role),
            "values": ", ".join(Role.values),
        }
    if role in PORTAL_ROLES and portal_org is None:
        errors["portal_org"] = _("A %(role)s user must belong to a %(role2)s organisation.") % {
            "role": role,
            "role2": role,
        }
    if portal_org is not None and role in PORTAL_ROLES and portal_org.kind != PORTAL_ORG_KIND[role]:
        errors["portal_org"] = _("%(name)s is a %(kind)s, not a %(portal_org_kind)s.") % {
            "name": portal_org.name,
            "kind": portal_org.kind,
            "portal_org_kind": PORTAL_ORG_KIND[role],
        }
    if role not in PORTAL_ROLES and portal_org is not None:
        errors["portal_org"] = _("Only supplier and customer users belong to a portal organisation.")
    return errors


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    scope_units: list[OrgUnit] | None = None,
    home_unit: OrgUnit | None = None,
    portal_org: PortalOrganisation | None = None,
    is_service_account: bool = False,
) -> User:
    """Create a user (with no password, one that cannot log in until it is set)."""
    authorize(actor, "users.manage")
    errors = check_user_fields(username=username, role=role, portal_org=portal_org)
    if role in PORTAL_ROLES and (scope_units or home_unit is not None):
        errors["scope_units"] = _("Portal users are not scoped to org units.")
    if password is not None and "username" not in errors:
        try:
            validate_password(password, User(username=username, email=email, first_name=first_name))
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise Invalid(_("The user is not valid."), fields=errors)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        home_unit=home_unit,
        portal_org=portal_org,
        is_service_account=is_service_account,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    units = list(scope_units or ([] if home_unit is None else [home_unit]))
    if role in PORTAL_ROLES:
        units = []
    user.scope_units.set(units)
    ledger_append(
        actor=actor,
        action=AccountsAction.USER_CREATE,
        object_type="user",
        object_id=user.pk,
        summary={
            "username": username,
            "role": role,
            "scope_units": sorted(u.code for u in units),
            "portal_org": portal_org.name if portal_org else None,
            "service_account": is_service_account,
        },
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user: User,
    role: str | None = None,
    scope_units: list[OrgUnit] | None = None,
    is_active: bool | None = None,
    email: str | None = None,
) -> User:
    authorize(actor, "users.manage")
    changes_self = is_active is False or bool(role and role != user.role)
    if isinstance(actor, User) and actor.pk == user.pk and changes_self:
        raise Forbidden(_("You cannot deactivate yourself or change your own role."), code="self_change")
    changes: dict[str, Any] = {}
    if role is not None and role != user.role:
        if role not in Role.values:
            raise Invalid(
                _("Unknown role."), fields={"role": _("Unknown role %(role)s.") % {"role": repr(role)}}
            )
        if (role in PORTAL_ROLES) != (user.role in PORTAL_ROLES):
            raise Invalid(
                _("A portal user cannot become an internal user or the reverse; create a new user."),
                fields={"role": _("Cannot switch between portal and internal roles.")},
            )
        changes["role"] = [user.role, role]
        user.role = role
    if email is not None and email != user.email:
        changes["email"] = [user.email, email]
        user.email = email
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = [user.is_active, is_active]
        user.is_active = is_active
        if not is_active:
            changes["sessions_ended"] = end_sessions(user)
    user.save()
    if scope_units is not None:
        before = sorted(user.scope_units.values_list("code", flat=True))
        after = sorted(u.code for u in scope_units)
        if before != after:
            if user.is_portal and after:
                raise Invalid(
                    _("Portal users are not scoped to org units."),
                    fields={"scope_units": _("Must be empty.")},
                )
            user.scope_units.set(scope_units)
            changes["scope_units"] = [before, after]
    if changes:
        ledger_append(
            actor=actor,
            action=AccountsAction.USER_UPDATE,
            object_type="user",
            object_id=user.pk,
            summary=changes,
        )
    return user


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> None:
    if not (isinstance(actor, User) and actor.pk == user.pk):
        authorize(actor, "users.manage")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(
            _("The password is not strong enough."), fields={"password": " ".join(exc.messages)}
        ) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    ledger_append(
        actor=actor,
        action=AccountsAction.USER_SET_PASSWORD,
        object_type="user",
        object_id=user.pk,
        summary={},
    )


# --- liaisons --------------------------------------------------------------------------------


@transaction.atomic
def liaison_assign(*, actor: Actor, user: User, unit: OrgUnit, is_primary: bool = False) -> Liaison:
    authorize(actor, "liaisons.change", unit=unit)
    if user.is_portal or not user.is_active:
        raise Invalid(
            _("Only an active internal user can be a liaison."),
            fields={"user": _("Not an active internal user.")},
        )
    if Liaison.objects.filter(user=user, org_unit=unit).exists():
        raise Conflict(
            _("%(username)s is already a liaison for %(name)s.")
            % {"username": user.username, "name": unit.name}
        )
    liaison = Liaison.objects.create(user=user, org_unit=unit, is_primary=is_primary)
    if not user.scope_units.filter(pk=unit.pk).exists() and not user.sees_all_units:
        user.scope_units.add(unit)
    ledger_append(
        actor=actor,
        action=AccountsAction.LIAISON_ASSIGN,
        object_type="liaison",
        object_id=liaison.pk,
        summary={"user": user.username, "unit": unit.code, "primary": is_primary},
    )
    return liaison


@transaction.atomic
def liaison_remove(*, actor: Actor, liaison: Liaison) -> None:
    authorize(actor, "liaisons.change", unit=liaison.org_unit)
    summary = {"user": liaison.user.username, "unit": liaison.org_unit.code}
    pk = liaison.pk
    liaison.delete()
    ledger_append(
        actor=actor,
        action=AccountsAction.LIAISON_REMOVE,
        object_type="liaison",
        object_id=pk,
        summary=summary,
    )


def get_unit(code_or_id: str | int) -> OrgUnit:
    unit = (
        OrgUnit.objects.filter(pk=int(code_or_id)).first()
        if str(code_or_id).isdigit()
        else OrgUnit.objects.filter(code=code_or_id).first()
    )
    if unit is None:
        raise NotFound(_("No org unit %(code_or_id)s.") % {"code_or_id": repr(code_or_id)})
    return unit
