"""Reference values suppliers are checked against: categories (the gate's), country codes, the country risk
index the risk model takes, designated regions, and the names of certificate standards.

Country risk (0-100) is the mean of the components a country has in data/countries/country_risk.csv:
  Freedom House, Freedom in the World 2025 total score (100 = most free)  -> 100 - score
  ITUC Global Rights Index 2025 rating 1, 2, 3, 4, 5, 5+                  -> 0, 20, 40, 60, 80, 100
A country with neither is "not rated": the risk model then has no country driver, and says so.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from conduct.core.countries import COUNTRY_CODES
from conduct.core.policy import load_reference_data
from conduct.core.policy._subjects import SUPPLIER_CATEGORIES  # the gate's enum: one list for both
from conduct.datafiles import data_path

CATEGORIES: tuple[str, ...] = tuple(SUPPLIER_CATEGORIES)
FORCED_LABOUR = "forced_labour_import_presumption"
ITUC_POINTS = {"1": 0.0, "2": 20.0, "3": 40.0, "4": 60.0, "5": 80.0, "5+": 100.0}

KNOWN_STANDARDS = ("SA8000", "ISO 45001", "ISO 14001")
_STANDARD_PATTERNS = (
    (re.compile(r"^sa\s*-?\s*8000\b"), "SA8000"),
    (re.compile(r"^iso\s*-?\s*45001\b"), "ISO 45001"),
    (re.compile(r"^iso\s*-?\s*14001\b"), "ISO 14001"),
)


@dataclass(frozen=True)
class CountryRisk:
    code: str
    score: float | None  # 0-100, None when not rated
    basis: str  # how the score was made, for people


def is_country(code: str) -> bool:
    return code in COUNTRY_CODES


def normalise_category(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def normalise_standard(value: str) -> str:
    """'SA 8000:2014' -> 'SA8000', 'ISO45001:2018' -> 'ISO 45001'; other standards keep their own name."""
    text = " ".join(value.split())
    folded = text.lower()
    for pattern, name in _STANDARD_PATTERNS:
        if pattern.match(folded):
            return name
    return text


@lru_cache(maxsize=1)
def _country_table() -> dict[str, CountryRisk]:
    table: dict[str, CountryRisk] = {}
    with data_path("countries", "country_risk.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["iso2"].strip()
            parts: list[float] = []
            basis: list[str] = []
            fh = (row.get("fh_score") or "").strip()
            if fh:
                parts.append(100.0 - float(fh))
                basis.append(f"Freedom House 2025 score {fh}/100 -> {100 - float(fh):g}")
            ituc = (row.get("ituc_rating") or "").strip()
            if ituc in ITUC_POINTS:
                parts.append(ITUC_POINTS[ituc])
                basis.append(f"ITUC 2025 rating {ituc} -> {ITUC_POINTS[ituc]:g}")
            if parts:
                score = round(sum(parts) / len(parts), 1)
                table[code] = CountryRisk(code, score, "; ".join(basis) + f"; mean {score:g}")
            else:
                table[code] = CountryRisk(code, None, "not rated by Freedom House or ITUC")
    return table


def country_risk(code: str) -> CountryRisk:
    return _country_table().get(code) or CountryRisk(code, None, "not in the country risk table")


@lru_cache(maxsize=8192)
def designation(region: str, country: str) -> str:
    """The forced-labour designation of a region ("" when none): '<region name> (<authority>)'."""
    if not region:
        return ""
    for found in load_reference_data().regions_for(region, country or None):
        for designated in found.designations:
            if designated.kind == FORCED_LABOUR:
                return f"{found.name} ({designated.authority.split(' (')[0]})"[:200]
    return ""
