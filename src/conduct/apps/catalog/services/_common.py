"""What the catalog services share: the acting actor, a checked text field, and units and users named by the
caller (a page's or the API's field), resolved after the actor is authorized."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import PORTAL_ROLES
from conduct.apps.accounts.scoping import unit_in_scope
from conduct.db.bounds import MAX_DB_ID


def user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def text_field(value: Any, field: str, errors: dict[str, str], *, limit: int, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    return text


def unit_named(
    actor: Actor, value: OrgUnit | str | int | None, errors: dict[str, str], field: str = "org_unit"
) -> OrgUnit | None:
    """The unit given, or the one named by its code or id, if the actor can see it (errors[field] if not)."""
    if value is None or isinstance(value, OrgUnit):
        return value
    text = str(value).strip()
    if not text:
        errors[field] = _("Name an org unit (its code or id), or leave it out.")
        return None
    unit = None
    if not text.isdigit():
        unit = OrgUnit.objects.filter(code=text).first()
    elif int(text) <= MAX_DB_ID:  # a larger number is no id (and would overflow the database's integer)
        unit = OrgUnit.objects.filter(pk=int(text)).first()
    if unit is None or (isinstance(actor, User) and not unit_in_scope(actor, unit)):
        errors[field] = _("No org unit %(u)r you can see.") % {"u": text}
        return None
    return unit


def user_named(value: User | str | int | None, errors: dict[str, str], field: str = "owner") -> User | None:
    """The user given, or the active internal user named by username or id (errors[field] if none); an empty
    name is no user."""
    if value is None or isinstance(value, User):
        return value
    text = str(value).strip()
    if not text:
        return None
    users = User.objects.filter(is_active=True).exclude(role__in=PORTAL_ROLES)
    found = users.filter(username=text).first()
    if found is None and text.isdigit() and int(text) <= MAX_DB_ID:
        found = users.filter(pk=int(text)).first()
    if found is None:
        errors[field] = _("No internal user %(u)r.") % {"u": text}
    return found
