"""Country names and codes as the lists spell them -> ISO 3166-1 alpha-2 (upper case).

The table in _data/countries.json (generated from rigour's territory data) does the heavy lifting; the
overrides below cover the spellings the US and UN publications use that it lacks ("Region: Crimea", ...).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

# Spellings seen in OFAC / UN / BIS files that need help, and values that name no country.
_OVERRIDES: dict[str, str | None] = {
    "bosnia-herzegovina": "BA",
    "bosnia herzegovina": "BA",
    "burma": "MM",
    "crimea": "UA",
    "region: crimea": "UA",
    "region: north gaza": "PS",
    "region: northern gaza": "PS",
    "region: west bank": "PS",
    "region: gaza": "PS",
    "region: russia": "RU",
    "possibly palestinian": "PS",
    "palestinian": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "korea, north": "KP",
    "north korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "kosovo": "XK",
    "former soviet union": "SU",
    "soviet union": "SU",
    "ussr": "SU",
    "yugoslavia": "YU",
    "serbia and montenegro": "CS",
    "undetermined": None,
    "none identified": None,
    "unknown": None,
    "n/a": None,
    "-0-": None,
    "": None,
}

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@cache
def _table() -> dict[str, str]:
    """Country and territory names (English and other Latin-script spellings) -> alpha-2, from _data."""
    raw = resources.files("conduct.core.screening").joinpath("_data/countries.json").read_text("utf-8")
    table: dict[str, str] = json.loads(raw)
    return table


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _NON_ALNUM.sub(" ", plain).strip()


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, or None when it names no country we know."""
    text = _SPACES.sub(" ", value.strip().strip(".")).casefold()
    if text in _OVERRIDES:
        return _OVERRIDES[text]
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper()
    if text.startswith("region:"):
        return country_code(text.split(":", 1)[1])
    if text.startswith("possibly "):
        return country_code(text[len("possibly ") :])
    return _table().get(_fold(text))


def country_codes(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Codes for several values, de-duplicated in order, unknown ones left out."""
    seen: dict[str, None] = {}
    for value in values:
        code = country_code(value)
        if code:
            seen.setdefault(code, None)
    return tuple(seen)
