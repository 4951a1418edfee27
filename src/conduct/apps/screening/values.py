"""Checks of the plain values screening reads: names, entity types, countries, birth dates."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from conduct.core.screening import ENTITY_TYPES, country_code
from conduct.core.screening.formats import parse_dates


def clean_entity_type(value: str | None, errors: dict[str, str], field: str = "entity_type") -> str:
    text = (value or "").strip().lower()
    if text in ("", "any"):
        return ""
    aliases = {
        "individual": "person",
        "organisation": "organization",
        "company": "organization",
        "entity": "organization",
    }
    text = aliases.get(text, text)
    if text not in ENTITY_TYPES:
        errors[field] = _("Expected one of %(entity_types)s.") % {"entity_types": ", ".join(ENTITY_TYPES)}
        return ""
    return text


def clean_country(value: str | None, errors: dict[str, str], field: str = "country") -> str:
    text = (value or "").strip()
    if not text:
        return ""
    code = country_code(text)
    if code is None:
        errors[field] = _("%(text)s is not a country Conduct knows (use an ISO 3166-1 alpha-2 code).") % {
            "text": repr(text)
        }
        return ""
    return code


def clean_birth_date(value: str | None, errors: dict[str, str], field: str = "birth_date") -> str:
    text = (value or "").strip()
    if not text:
        return ""
    dates = parse_dates(text)
    if not dates:
        errors[field] = _("%(text)s is not a date (use YYYY, YYYY-MM or YYYY-MM-DD).") % {"text": repr(text)}
        return ""
    return dates[0]


def clean_name(value: str | None, errors: dict[str, str], field: str = "name", limit: int = 300) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
    elif not any(ch.isalnum() for ch in text):
        errors[field] = _("A name needs at least one letter or digit.")
    return text


def fold_name(name: str) -> str:
    """A name compared loosely: case, accents and punctuation ignored ("ACME-Holdings, S.A." ~ "acme
    holdings s a")."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", name or "") if not unicodedata.combining(ch)
    ).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in stripped).split())
