"""The screener the gates use (conduct.core.policy's Screener port): engine matches, with analysts' reviews.

A name the gate screens is matched against every current list. When it is the name of a stored party, that
party's reviews count: a confirmed match is a certain hit (score 1.0, so it blocks) even if the names no
longer align closely, and a match dismissed for that party and entry is left out while the dismissal holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.db import connection

from conduct.apps.screening import indexes
from conduct.apps.screening.indexes import CurrentList
from conduct.apps.screening.models import AlertStatus
from conduct.apps.screening.ownership import names_ownership
from conduct.core.policy import OwnershipFact, ScreenedName, ScreeningHit
from conduct.core.screening import ENTITY_TYPES, Query, country_code

CONFIRMED_SCORE = 1.0
GATE_LIMIT = 10

# Engine results for names gates screened recently, per set of list contents. The same customers, integrators
# and SDK vendors come through gates again and again; their matches only change when a list's content (its
# file hash), its title or the engine changes, and all three are in the key. Analysts' reviews are not cached:
# they are read from the database on every screen.
RESULT_SLOTS = 4096
_RESULTS: OrderedDict[tuple[object, ...], tuple[tuple[str, ScreeningHit], ...]] = OrderedDict()
_RESULTS_LOCK = threading.Lock()

# The current lists, as last read: reused while one cheap query finds the same versions, names and titles.
_LISTS: tuple[tuple[object, ...], list[CurrentList]] | None = None
_LISTS_LOCK = threading.Lock()
_LISTS_SIGNATURE_SQL = (
    "SELECT v.id, v.kind, v.file_sha256, w.name, w.title FROM screening_watchlistversion v"
    " JOIN screening_watchlist w ON w.id = v.watch_list_id WHERE v.is_current ORDER BY w.name, v.id"
)
# Analysts' reviews of the stored parties with a name (and, when the gate gives one, the party's country or
# none): one row per party, with each confirmed or dismissed alert joined on, tagged with the name's place in
# the batch ({0}, an integer). UPPER() = UPPER() is what Django's `iexact` means on PostgreSQL and, for these
# equality tests, on SQLite. A subject's names are read in one statement: one such SELECT per name, joined by
# UNION ALL.
_REVIEWS_SQL = (
    "SELECT {0} AS k, p.id, a.status, w.name, w.title, a.list_kind, a.source_id, a.matched_name,"
    " a.updated_at AS alert_at,"
    " a.id AS alert_id"
    " FROM screening_screenedparty p"
    " LEFT JOIN screening_alert a ON a.party_id = p.id AND a.status IN (%s, %s)"
    " LEFT JOIN screening_watchlist w ON w.id = a.watch_list_id"
    " WHERE UPPER(p.name) = UPPER(%s)"
)
_Reviews = tuple[dict[tuple[str, str], ScreeningHit], set[tuple[str, str]]]


class PolicyScreener:
    """Implements conduct.core.policy.Screener, BatchScreener and OwnershipScreener over the lists current
    when it was made (and the ownership relations stored now)."""

    def __init__(self, lists: Sequence[CurrentList]) -> None:
        self.lists = list(lists)
        self.titles = {c.name: c.version.watch_list.title for c in self.lists}
        self.key = tuple((c.name, indexes.index_key(c.version), self.titles[c.name]) for c in self.lists)

    def screen(
        self, name: str, *, entity_type: str | None = None, country: str | None = None
    ) -> Sequence[ScreeningHit]:
        return self.screen_many(
            [ScreenedName(path="", role="", name=name, country=country, entity_type=entity_type)]
        )[0]

    def screen_many(self, names: Sequence[ScreenedName]) -> list[Sequence[ScreeningHit]]:
        """Each name's hits, in order: the engine's (cached), with the reviews of all names read at once."""
        queries = [_query_of(item) for item in names]
        reviews = _reviews_for_many([(text, code) for text, _, code in queries if text])
        found: list[Sequence[ScreeningHit]] = []
        for text, kind, code in queries:
            if not text:
                found.append(())
                continue
            hits = {(list_id, hit.entry_id): hit for list_id, hit in self._engine_hits(text, kind, code)}
            confirmed, dismissed = reviews[(text, code)]
            for key in dismissed - set(confirmed):
                hits.pop(key, None)
            hits.update(confirmed)
            found.append(sorted(hits.values(), key=lambda h: (-h.score, h.list_name, h.entry_id)))
        return found

    def ownership_many(self, names: Sequence[ScreenedName]) -> list[OwnershipFact | None]:
        """Each name's standing under the OFAC 50 % rule, from the stored relations (None: none name it)."""
        return names_ownership(names)

    def _engine_hits(
        self, text: str, kind: str | None, code: str | None
    ) -> tuple[tuple[str, ScreeningHit], ...]:
        """(list name, hit) for the engine's matches of one name over the current lists, cached."""
        if not self.lists:
            return ()
        key = (self.key, text, kind, code)
        with _RESULTS_LOCK:
            cached = _RESULTS.get(key)
            if cached is not None:
                _RESULTS.move_to_end(key)
                return cached
        found = tuple(
            (
                m.match.list_id,
                ScreeningHit(
                    list_name=self.titles.get(m.match.list_id, m.match.list_id),
                    list_kind=m.match.list_kind,
                    entry_id=m.match.source_id,
                    matched_name=m.match.matched_name,
                    score=float(m.match.score),
                ),
            )
            for m in indexes.search(self.lists, Query(text, entity_type=kind, country=code), limit=GATE_LIMIT)
        )
        with _RESULTS_LOCK:
            _RESULTS[key] = found
            while len(_RESULTS) > RESULT_SLOTS:
                _RESULTS.popitem(last=False)
        return found


def _query_of(item: ScreenedName) -> tuple[str, str | None, str | None]:
    """What a name is screened as: its text with spaces normalised, its entity type, its country code."""
    text = " ".join((item.name or "").split())
    kind = item.entity_type if item.entity_type in ENTITY_TYPES else None
    return text, kind, country_code(item.country) if item.country else None


# Names per statement: well under SQLite's limit on the terms of a compound SELECT (500) and on parameters.
REVIEWS_BATCH = 100


def _reviews_for_many(names: Sequence[tuple[str, str | None]]) -> dict[tuple[str, str | None], _Reviews]:
    """For each (name, country): confirmed matches of any stored party with this name (as certain hits), and
    entries dismissed for every such party. Read on every screen, a subject's names in one statement (one per
    REVIEWS_BATCH names)."""
    distinct = list(dict.fromkeys(names))
    found: dict[tuple[str, str | None], _Reviews] = {}
    for start in range(0, len(distinct), REVIEWS_BATCH):
        batch = distinct[start : start + REVIEWS_BATCH]
        parts, params = [], []
        for index, (name, country) in enumerate(batch):
            part = _REVIEWS_SQL.format(index)  # the index is an int this loop made, never input
            params += [str(AlertStatus.CONFIRMED), str(AlertStatus.DISMISSED), name]
            if country:
                part += " AND p.country IN (%s, '')"
                params.append(country)
            parts.append(part)
        # Within a name, as Alert's ordering (newest first): of two confirmations of an entry, the older
        # counts.
        sql = " UNION ALL ".join(parts) + " ORDER BY k, alert_at DESC, alert_id DESC"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        by_name: list[list[tuple[Any, ...]]] = [[] for _ in batch]
        for row in rows:
            by_name[int(row[0])].append(row[1:8])
        found.update((key, _reviews_of(mine)) for key, mine in zip(batch, by_name, strict=True))
    return found


def _reviews_of(rows: Sequence[tuple[Any, ...]]) -> _Reviews:
    """One name's reviews from its rows (party id, alert status, list name and title, kind, entry, name)."""
    party_ids = {row[0] for row in rows}
    confirmed: dict[tuple[str, str], ScreeningHit] = {}
    dismissed_by: dict[tuple[str, str], set[int]] = {}
    for party_id, status, list_name, title, list_kind, source_id, matched_name in rows:
        if status is None:
            continue
        key = (list_name, source_id)
        if status == AlertStatus.CONFIRMED:
            confirmed[key] = ScreeningHit(
                list_name=title,
                list_kind=list_kind,
                entry_id=source_id,
                matched_name=matched_name,
                score=CONFIRMED_SCORE,
            )
        else:
            dismissed_by.setdefault(key, set()).add(party_id)
    dismissed = {key for key, ids in dismissed_by.items() if ids == party_ids}
    return confirmed, dismissed


def _current_lists() -> list[CurrentList]:
    """`indexes.current_lists()`, reused while the current versions and the lists' names and titles (all a
    gate's screen reads of them) are unchanged."""
    global _LISTS
    with connection.cursor() as cursor:
        cursor.execute(_LISTS_SIGNATURE_SQL)
        signature = tuple(tuple(row) for row in cursor.fetchall())
    with _LISTS_LOCK:
        if _LISTS is not None and _LISTS[0] == signature:
            return _LISTS[1]
    lists = indexes.current_lists()
    with _LISTS_LOCK:
        _LISTS = (signature, lists)
    return lists


def policy_screener() -> PolicyScreener:
    """The screener for one gate evaluation: the lists current now, indexes from the cache."""
    return PolicyScreener(_current_lists())
