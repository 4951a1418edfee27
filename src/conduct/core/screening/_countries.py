"""Country names and codes as the lists spell them -> ISO 3166-1 alpha-2 (upper case).

rigour's territory table does the heavy lifting; the overrides below cover the spellings the US and UN
publications use that it does not resolve ("Region: Crimea", "Bosnia-Herzegovina", ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

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

# ISO 3166-3 style codes rigour uses for former states: keep their reserved alpha-2 code.
_HISTORICAL = {"suhh": "SU", "yucs": "YU", "csxx": "CS", "csxx2": "CS", "ddde": "DD"}

_SPACES = re.compile(r"\s+")


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
    from rigour.territories import lookup_territory

    territory = lookup_territory(text)
    if territory is None:
        return None
    code = str(territory.code)
    if code in _HISTORICAL:
        return _HISTORICAL[code]
    if "-" in code:  # sub-national territory such as "ua-cri": report the country it belongs to
        code = code.split("-", 1)[0]
    if len(code) != 2:
        return None
    return code.upper()


def country_codes(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Codes for several values, de-duplicated in order, unknown ones left out."""
    seen: dict[str, None] = {}
    for value in values:
        code = country_code(value)
        if code:
            seen.setdefault(code, None)
    return tuple(seen)
