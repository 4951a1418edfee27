"""Screening: a query (name, and optionally type, country, date of birth) against a NameIndex, returning
explained matches at or above the alert threshold, best first."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from conduct.core.screening._align import name_score
from conduct.core.screening._countries import country_code
from conduct.core.screening._index import NameIndex
from conduct.core.screening._normalize import WORD, NormalizedName, analyse_name
from conduct.core.screening._scoring import (
    Adjustment,
    Explanation,
    birth_date_adjustment,
    combine,
    country_adjustment,
    name_kind_adjustment,
    strength,
    type_adjustment,
)
from conduct.core.screening.formats._common import parse_dates
from conduct.core.screening.model import ENTITY_TYPES, ListEntry
from conduct.core.thresholds import ALERT_THRESHOLD

CANDIDATES = 160  # names the index proposes per query
CANDIDATES_ABJAD = 400  # for a name written in an abjad: its parts find more listed parts, each less surely
SCORED = 10  # of those, parties scored in full: the best by the index's part overlap and by token-set ratio
SCORED_ABJAD = 40  # for names written in an abjad (Arabic, Hebrew...), whose part overlap says less
NAMES_PER_ENTRY = 4  # an entry's proposed names scored in full, at most


@dataclass(frozen=True)
class Query:
    """What is screened: a name, and what else is known about the party."""

    name: str
    entity_type: str | None = None  # one of ENTITY_TYPES
    country: str | None = None  # ISO alpha-2 or a country name
    birth_date: str | None = None  # ISO prefix ("1970", "1970-05-01") or as lists write it

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise ValueError("a screening query needs a name")
        if self.entity_type is not None and self.entity_type not in ENTITY_TYPES:
            raise ValueError(f"entity_type must be one of {', '.join(ENTITY_TYPES)}")


@dataclass(frozen=True)
class Match:
    """One listed party that matched, with the name that matched and why."""

    list_id: str
    list_kind: str
    source_id: str  # the list's own id for the entry
    entry_name: str  # the entry's primary name
    matched_name: str  # the entry's name (as listed) that scored best
    matched_name_kind: str  # primary, alias_strong, alias_weak or former
    score: float  # 0..1
    strength: str  # strong, potential or weak
    explanation: Explanation
    entry: ListEntry


def _words(name: NormalizedName) -> int:
    return sum(token.kind == WORD for token in name.tokens)


def _closest_form(forms: tuple[NormalizedName, ...], listed: NormalizedName) -> NormalizedName:
    """Of a query's spellings (pinyin / Wade-Giles, Korean romanisations), the one sharing most parts."""
    listed_parts = {token.text for token in listed.tokens}
    return max(forms, key=lambda form: sum(token.text in listed_parts for token in form.tokens))


class Screener:
    """Searches one NameIndex. `search("Hikvision")` -> matches at or above the alert threshold."""

    def __init__(self, index: NameIndex, *, threshold: float = ALERT_THRESHOLD, limit: int = 10) -> None:
        self.index = index
        self.threshold = threshold
        self.limit = limit

    def search(
        self,
        query: str | Query,
        *,
        threshold: float | None = None,
        limit: int | None = None,
        candidates: int = CANDIDATES,
    ) -> list[Match]:
        if isinstance(query, str):
            query = Query(query)
        threshold = self.threshold if threshold is None else threshold
        limit = self.limit if limit is None else limit
        org = query.entity_type == "organization"
        forms = analyse_name(query.name, org)
        if not forms or not forms[0].tokens:
            return []
        country = country_code(query.country) if query.country else None
        birth_dates = parse_dates(query.birth_date) if query.birth_date else ()
        birth_date = birth_dates[0] if birth_dates else None
        if any(token.abjad for token in forms[0].tokens):
            candidates = max(candidates, CANDIDATES_ABJAD)
        proposed = self._shortlist(forms, self.index.candidates(forms, candidates))
        novel = self.index.novel_parts(forms)
        scored: dict[int, tuple[float, int, NormalizedName, float, list[Adjustment]]] = {}
        for form_id in proposed:
            indexed = self.index.names[form_id]
            entry = self.index.entries[indexed.entry][2]
            form = forms[0] if len(forms) == 1 else _closest_form(forms, indexed.form)
            value = name_score(form, indexed.form, explain=False, novel=novel)[0]
            kind = entry.names[indexed.name].kind
            # name words counted only for a weak alias, the one kind whose adjustment reads them
            shorter = kind == "alias_weak" and _words(indexed.form) < _words(form)
            adjustments = [
                adjustment
                for adjustment in (
                    name_kind_adjustment(kind, shorter),
                    type_adjustment(query.entity_type, entry.entity_type),
                    country_adjustment(country, entry.countries),
                    birth_date_adjustment(
                        birth_date, entry.birth_dates if entry.entity_type != "organization" else ()
                    ),
                )
                if adjustment is not None
            ]
            score = combine(value, adjustments)
            previous = scored.get(indexed.entry)
            if previous is None or score > previous[0]:
                scored[indexed.entry] = (score, form_id, form, value, adjustments)
        ordered = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
        best: dict[int, Match] = {}
        for entry_index, found in ordered[:limit]:
            if found[0] < threshold:
                break
            best[entry_index] = self._match(entry_index, *found, novel)
        matches = sorted(
            (match for match in best.values() if match.score >= threshold),
            key=lambda match: (-match.score, match.list_id, match.source_id),
        )
        return matches[:limit]

    def _shortlist(self, forms: tuple[NormalizedName, ...], proposed: list[int]) -> list[int]:
        """The names to score in full, of those the index proposed, chosen per listed party rather than
        per name (a party's many aliases take one place, and so does one person listed on several lists):
        the parties best by the index's part overlap, then the best by token-set ratio (for names written
        in an abjad, simply more of the index's best). Every proposed name of a chosen party is scored."""
        names = self.index.names
        by_party: dict[int, list[int]] = {}
        per_entry: dict[int, int] = {}
        for form_id in proposed:
            entry = self.index.entry_of(form_id)
            if per_entry.get(entry, 0) < NAMES_PER_ENTRY:
                per_entry[entry] = per_entry.get(entry, 0) + 1
                by_party.setdefault(self.index.party_of(entry), []).append(form_id)
        if len(by_party) <= SCORED:
            return [form_id for group in by_party.values() for form_id in group]
        # the parties with a name of the query's very parts come first: where every part is a common one
        # ('Muhammad al-Muhammad'), hundreds of names tie on overlap and on token-set ratio
        same = self._same_parts(forms, by_party)
        first = set(same)
        order = same + [party for party in by_party if party not in first]
        if any(token.abjad for token in forms[0].tokens):
            chosen = order[: max(SCORED_ABJAD, len(same))]
        else:
            chosen = order[: max(SCORED // 2, len(same))]
            taken = set(chosen)
            choices = {
                form_id: names[form_id].form.text
                for party in order[SCORED // 2 :]
                for form_id in by_party[party]
            }
            wanted = SCORED - len(chosen)
            for form in forms:
                ranked = process.extract(
                    form.text, choices, scorer=fuzz.token_set_ratio, limit=wanted * NAMES_PER_ENTRY
                )
                added = 0
                for _, _, form_id in ranked:
                    party = self.index.party_of(self.index.entry_of(form_id))
                    if party not in taken:
                        taken.add(party)
                        chosen.append(party)
                        added += 1
                        if added == wanted:
                            break
        return [form_id for party in chosen for form_id in by_party[party]]

    def _same_parts(self, forms: tuple[NormalizedName, ...], by_party: dict[int, list[int]]) -> list[int]:
        """Parties with a proposed name made of the same parts as a query spelling, in any order (at most
        SCORED)."""
        wanted = {tuple(sorted(token.text for token in form.tokens)) for form in forms}
        sizes = {len(parts) for parts in wanted}
        names = self.index.names
        same = [
            party
            for party, group in by_party.items()
            if any(
                len(tokens) in sizes and tuple(sorted(token.text for token in tokens)) in wanted
                for tokens in (names[f].form.tokens for f in group)
            )
        ]
        return same[:SCORED]

    def _match(
        self,
        entry_index: int,
        score: float,
        form_id: int,
        form: NormalizedName,
        value: float,
        adjustments: list[Adjustment],
        novel: frozenset[str] = frozenset(),
    ) -> Match:
        """The match for a listed entry whose name `form_id` scored best, explained part by part."""
        indexed = self.index.names[form_id]
        list_id, list_kind, entry = self.index.entries[entry_index]
        parts = name_score(form, indexed.form, explain=True, novel=novel)[1]
        return Match(
            list_id=list_id,
            list_kind=list_kind,
            source_id=entry.source_id,
            entry_name=entry.primary_name,
            matched_name=entry.names[indexed.name].name,
            matched_name_kind=entry.names[indexed.name].kind,
            score=score,
            strength=strength(score),
            explanation=Explanation(
                query_name=form.text,
                matched_name=indexed.form.text,
                parts=tuple(parts),
                name_score=round(value, 4),
                adjustments=tuple(adjustments),
                score=score,
            ),
            entry=entry,
        )

    def search_many(
        self, queries: list[str | Query], *, threshold: float | None = None, limit: int | None = None
    ) -> list[list[Match]]:
        """Screen a batch (one after another: each query is independent)."""
        return [self.search(query, threshold=threshold, limit=limit) for query in queries]
