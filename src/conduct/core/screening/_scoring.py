"""The scorer: aligns the parts of two normalised names (_align), scores each aligned pair (_similarity),
combines them into a name score, then applies the adjustments that other query fields justify. Everything
it decides is kept in an Explanation."""

from __future__ import annotations

from dataclasses import dataclass

from conduct.core.screening._align import PartMatch, best_form_score
from conduct.core.screening._normalize import analyse_name
from conduct.core.thresholds import ALERT_THRESHOLD, STRONG_THRESHOLD

# --- tuning (chosen on nomenklatura's labelled pairs and the yente UN positives / clean negatives; the
# part similarity's in _similarity, the alignment's in _align) ---

ADJUSTMENTS = {
    "type_mismatch_person": -0.15,
    "type_mismatch_other": -0.10,
    "country_match": 0.02,
    "country_mismatch": -0.05,
    "birth_date_match": 0.05,
    "birth_year_match": 0.03,
    "birth_date_near": -0.10,  # 2 years apart
    "birth_date_mismatch": -0.20,  # 3 to 5 years apart
    "birth_date_far": -0.25,  # more than 5 years apart
    "weak_alias": -0.10,
    "weak_alias_shorter": -0.15,  # ... that names less than the query: often a given name or nickname alone
    "former_name": -0.02,
}


@dataclass(frozen=True)
class Adjustment:
    """A change to the name score justified by another field of the query."""

    code: str
    reason: str
    delta: float


@dataclass(frozen=True)
class Explanation:
    """Why a score is what it is: the aligned parts, the name score and each adjustment."""

    query_name: str  # the query as compared (normalised)
    matched_name: str  # the listed name as compared (normalised)
    parts: tuple[PartMatch, ...]
    name_score: float
    adjustments: tuple[Adjustment, ...]
    score: float

    def summary(self) -> str:
        aligned = ", ".join(
            f"{p.query or '-'}~{p.candidate or '-'} {p.score:.2f}"
            + (f" ({p.method})" if p.method != "exact" else "")
            for p in self.parts
        )
        text = f"name {self.name_score:.2f} [{aligned}]"
        for adjustment in self.adjustments:
            text += f"; {adjustment.delta:+.2f} {adjustment.reason}"
        return f"{text} => {self.score:.2f}"


def strength(score: float) -> str:
    if score >= STRONG_THRESHOLD:
        return "strong"
    if score >= ALERT_THRESHOLD:
        return "potential"
    return "weak"


# --- adjustments -------------------------------------------------------------------------------------

_PERSONISH = {"person"}
_THINGS = {"vessel", "aircraft"}


def type_adjustment(query_type: str | None, entry_type: str) -> Adjustment | None:
    if not query_type or query_type == "unknown" or entry_type == "unknown" or query_type == entry_type:
        return None
    if query_type in _PERSONISH or entry_type in _PERSONISH or query_type in _THINGS or entry_type in _THINGS:
        delta = ADJUSTMENTS["type_mismatch_person"]
    else:
        delta = ADJUSTMENTS["type_mismatch_other"]
    return Adjustment("entity_type", f"query is a {query_type}, listed party is a {entry_type}", delta)


def country_adjustment(query_country: str | None, entry_countries: tuple[str, ...]) -> Adjustment | None:
    if not query_country or not entry_countries:
        return None
    if query_country in entry_countries:
        return Adjustment("country", f"country {query_country} matches", ADJUSTMENTS["country_match"])
    return Adjustment(
        "country",
        f"country {query_country} not among {', '.join(entry_countries)}",
        ADJUSTMENTS["country_mismatch"],
    )


def birth_date_adjustment(query_date: str | None, entry_dates: tuple[str, ...]) -> Adjustment | None:
    if not query_date or not entry_dates or not query_date[:4].isdigit():
        return None
    year = int(query_date[:4])
    if len(query_date) >= 10 and query_date[:10] in entry_dates:
        return Adjustment(
            "birth_date", f"date of birth {query_date[:10]} matches", ADJUSTMENTS["birth_date_match"]
        )
    years = [int(date[:4]) for date in entry_dates if date[:4].isdigit()]
    if not years:
        return None
    exact_known = [date for date in entry_dates if len(date) >= 10]
    if year in years and not (
        len(query_date) >= 10 and exact_known and all(d[:4] == query_date[:4] for d in exact_known)
    ):
        return Adjustment("birth_date", f"year of birth {year} matches", ADJUSTMENTS["birth_year_match"])
    if year in years:
        # same year, but every full date listed differs from the query's full date
        return Adjustment("birth_date", f"year of birth {year} matches, day differs", 0.0)
    if min(abs(year - other) for other in years) <= 1:
        return Adjustment(
            "birth_date", f"year of birth {year} within a year of {', '.join(map(str, years))}", 0.0
        )
    gap = min(abs(year - other) for other in years)
    return Adjustment(
        "birth_date",
        f"year of birth {year} differs from {', '.join(sorted(set(map(str, years))))} by {gap} years or more",
        ADJUSTMENTS["birth_date_near"]
        if gap <= 2
        else ADJUSTMENTS["birth_date_mismatch"]
        if gap <= 5
        else ADJUSTMENTS["birth_date_far"],
    )


def name_kind_adjustment(kind: str, shorter: bool = False) -> Adjustment | None:
    """`shorter`: the name matched has fewer name words than the query ('Jose Luis' against 'José Luis
    Vismara'): a weak alias is often a given name or a nickname alone, and the query adds to it."""
    if kind == "alias_weak" and shorter:
        return Adjustment(
            "name_kind",
            "matched a weak (low-quality) alias with fewer name words than the query",
            ADJUSTMENTS["weak_alias_shorter"],
        )
    if kind == "alias_weak":
        return Adjustment("name_kind", "matched a weak (low-quality) alias", ADJUSTMENTS["weak_alias"])
    if kind == "former":
        return Adjustment("name_kind", "matched a former name", ADJUSTMENTS["former_name"])
    return None


def combine(name_value: float, adjustments: list[Adjustment]) -> float:
    return round(min(1.0, max(0.0, name_value + sum(a.delta for a in adjustments))), 4)


def score_pair(name1: str, name2: str, entity_type: str | None = None) -> Explanation:
    """Score two names against each other with the same scorer the index uses (no other fields)."""
    org = entity_type in ("organization",)
    queries, candidates = analyse_name(name1, org), analyse_name(name2, org)
    value, parts, query, candidate = best_form_score(queries, candidates)
    value = round(value, 4)
    return Explanation(query.text, candidate.text, tuple(parts), value, (), value)
