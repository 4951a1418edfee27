"""Parsing of the catalog's HTML forms into service arguments (errors keyed by field)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import unit_in_scope
from conduct.apps.apikit import MAX_DB_ID


def unit_from(
    actor: User, value: str | None, errors: dict[str, str], field: str = "org_unit"
) -> OrgUnit | None:
    if not value:
        return None
    unit = (
        (OrgUnit.objects.filter(pk=value).first() if int(value) <= MAX_DB_ID else None)
        if value.isdigit()
        else OrgUnit.objects.filter(code=value).first()
    )
    if unit is None or not unit_in_scope(actor, unit):
        errors[field] = "Choose an org unit you can see."
        return None
    return unit


def user_from(value: str | None, errors: dict[str, str], field: str = "owner") -> User | None:
    if not value:
        return None
    user = (
        User.objects.filter(username=value, is_active=True).exclude(role__in=["supplier", "customer"]).first()
    )
    if user is None:
        errors[field] = f"No internal user {value!r}."
    return user


def urns_from(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace(",", "\n").splitlines() if part.strip()]


def int_or_none(value: str | None, field: str, errors: dict[str, str]) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        errors[field] = "A number."
        return None
    if not 0 < int(value) <= MAX_DB_ID:
        errors[field] = "No record has this number."
        return None
    return int(value)


def form_values(post: QueryDict, *names: str) -> dict[str, Any]:
    return {name: post.get(name, "") for name in names}
