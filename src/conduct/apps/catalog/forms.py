"""Parsing of the catalog's HTML forms into service arguments (errors keyed by field)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from conduct.db.bounds import MAX_DB_ID


def urns_from(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace(",", "\n").splitlines() if part.strip()]


def int_or_none(value: str | None, field: str, errors: dict[str, str]) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        errors[field] = _("A number.")
        return None
    if not 0 < int(value) <= MAX_DB_ID:
        errors[field] = _("No record has this number.")
        return None
    return int(value)
