"""The screener the gates use (conduct.core.policy's Screener port): engine matches, with analysts' reviews.

A name the gate screens is matched against every current list. When it is the name of a stored party, that
party's reviews count: a confirmed match is a certain hit (score 1.0, so it blocks) even if the names no
longer align closely, and a match dismissed for that party and entry is left out while the dismissal holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from conduct.apps.screening import indexes
from conduct.apps.screening.indexes import CurrentList
from conduct.apps.screening.models import Alert, AlertStatus, ScreenedParty
from conduct.core.policy import ScreeningHit
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


class PolicyScreener:
    """Implements conduct.core.policy.Screener over the lists current when it was made."""

    def __init__(self, lists: Sequence[CurrentList]) -> None:
        self.lists = list(lists)
        self.titles = {c.name: c.version.watch_list.title for c in self.lists}
        self.key = tuple((c.name, indexes.index_key(c.version), self.titles[c.name]) for c in self.lists)

    def screen(
        self, name: str, *, entity_type: str | None = None, country: str | None = None
    ) -> Sequence[ScreeningHit]:
        text = " ".join((name or "").split())
        if not text:
            return ()
        kind = entity_type if entity_type in ENTITY_TYPES else None
        code = country_code(country) if country else None
        hits = {(list_id, hit.entry_id): hit for list_id, hit in self._engine_hits(text, kind, code)}
        confirmed, dismissed = _reviews_for(text, code)
        for key in dismissed - set(confirmed):
            hits.pop(key, None)
        for key, alert in confirmed.items():
            hits[key] = ScreeningHit(
                list_name=alert.watch_list.title, list_kind=alert.list_kind, entry_id=alert.source_id,
                matched_name=alert.matched_name, score=CONFIRMED_SCORE,
            )
        return sorted(hits.values(), key=lambda h: (-h.score, h.list_name, h.entry_id))

    def _engine_hits(self, text: str, kind: str | None, code: str | None) -> tuple[tuple[str, ScreeningHit], ...]:
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
            (m.match.list_id, ScreeningHit(
                list_name=self.titles.get(m.match.list_id, m.match.list_id), list_kind=m.match.list_kind,
                entry_id=m.match.source_id, matched_name=m.match.matched_name, score=float(m.match.score),
            ))
            for m in indexes.search(self.lists, Query(text, entity_type=kind, country=code), limit=GATE_LIMIT)
        )
        with _RESULTS_LOCK:
            _RESULTS[key] = found
            while len(_RESULTS) > RESULT_SLOTS:
                _RESULTS.popitem(last=False)
        return found


def _reviews_for(name: str, country: str | None) -> tuple[dict[tuple[str, str], Alert], set[tuple[str, str]]]:
    """Confirmed alerts of any stored party with this name; entries dismissed for every such party."""
    parties = ScreenedParty.objects.filter(name__iexact=name)
    if country:
        parties = parties.filter(country__in=[country, ""])
    party_ids = list(parties.values_list("id", flat=True))
    if not party_ids:
        return {}, set()
    confirmed: dict[tuple[str, str], Alert] = {}
    dismissed_by: dict[tuple[str, str], set[int]] = {}
    alerts = Alert.objects.filter(party_id__in=party_ids, status__in=[AlertStatus.CONFIRMED, AlertStatus.DISMISSED])
    for alert in alerts.select_related("watch_list"):
        key = (alert.watch_list.name, alert.source_id)
        if alert.status == AlertStatus.CONFIRMED:
            confirmed[key] = alert
        else:
            dismissed_by.setdefault(key, set()).add(alert.party_id)
    dismissed = {key for key, ids in dismissed_by.items() if ids == set(party_ids)}
    return confirmed, dismissed


def policy_screener() -> PolicyScreener:
    """The screener for one gate evaluation: the lists current now, indexes from the cache."""
    return PolicyScreener(indexes.current_lists())
