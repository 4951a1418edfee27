"""The screening port: what the policy engine asks of a watch-list screener, and a null and a fixed fake."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from conduct.core.thresholds import ALERT_THRESHOLD, STRONG_THRESHOLD

from ._reference import fold_text

BLOCKING_LIST_KINDS = frozenset({"sanctions", "export_control", "forced_labour"})


@dataclass(frozen=True)
class ScreeningHit:
    """One candidate match of a screened name against a watch-list entry; `score` is 0..1."""

    list_name: str
    list_kind: str  # sanctions | export_control | forced_labour | investment | pep | custom
    entry_id: str
    matched_name: str
    score: float


@runtime_checkable
class Screener(Protocol):
    """Anything that screens a name against the loaded watch lists (the screening engine implements this)."""

    def screen(
        self, name: str, *, entity_type: str | None = None, country: str | None = None
    ) -> Sequence[ScreeningHit]: ...


@runtime_checkable
class BatchScreener(Protocol):
    """A screener that can screen a subject's names together (the screening module's reads analysts' reviews
    of all of them in one statement). `screen_names` uses `screen_many` when a screener has it: the hits for
    each name, in the order given, must be what `screen` would return for it."""

    def screen_many(self, names: Sequence[ScreenedName]) -> Sequence[Sequence[ScreeningHit]]: ...


@dataclass(frozen=True)
class OwnerLink:
    """A blocked owner or controller of a screened party, as the gate reports it."""

    name: str
    share: float | None  # percent; None for control, a directorship or an unknown share
    relation: str = "ownership"  # ownership | control | directorship
    listed: bool = True  # listed itself, or blocked by the 50 % rule through its own owners
    through: str = ""  # for an owner blocked through its own owners: who, with their shares


@dataclass(frozen=True)
class OwnershipFact:
    """Where a screened party stands under the OFAC 50 % rule: blocked (owned 50 % or more in aggregate by
    blocked persons), review (blocked persons control or direct it without such ownership) or clear."""

    status: str
    blocked_share: float = 0.0
    owners: tuple[OwnerLink, ...] = ()

    def text(self) -> str:
        parts = []
        for o in self.owners:
            what = f"{o.share:g} %" if o.share is not None else o.relation
            how = "listed" if o.listed else f"blocked: owned by {o.through}"
            parts.append(f"{o.name} {what} ({how})")
        return "; ".join(parts)


@runtime_checkable
class OwnershipScreener(Protocol):
    """A screener that also knows who owns and controls the screened names (the screening module reads its
    stored relations); None for a name it knows no relations of."""

    def ownership_many(self, names: Sequence[ScreenedName]) -> Sequence[OwnershipFact | None]: ...


class NullScreener:
    """Screens against nothing: every name comes back clean. The default until a screener is supplied."""

    def screen(
        self, name: str, *, entity_type: str | None = None, country: str | None = None
    ) -> Sequence[ScreeningHit]:
        return ()


class StaticScreener:
    """A fake screener with fixed answers per name (compared case- and punctuation-insensitively).

    Used by policy examples and tests: `StaticScreener({"Acme Ltd": [ScreeningHit(...)]})`.
    """

    def __init__(
        self,
        hits: Mapping[str, Iterable[ScreeningHit]],
        ownership: Mapping[str, OwnershipFact] | None = None,
    ) -> None:
        self._hits = {fold_text(name): tuple(found) for name, found in hits.items()}
        self._ownership = {fold_text(name): fact for name, fact in (ownership or {}).items()}
        self.calls: list[tuple[str, str | None, str | None]] = []

    def ownership_many(self, names: Sequence[ScreenedName]) -> list[OwnershipFact | None]:
        return [self._ownership.get(fold_text(item.name)) for item in names]

    def screen(
        self, name: str, *, entity_type: str | None = None, country: str | None = None
    ) -> Sequence[ScreeningHit]:
        self.calls.append((name, entity_type, country))
        return self._hits.get(fold_text(name), ())


@dataclass(frozen=True)
class ScreeningThresholds:
    """When a hit counts: `strong` at or above strong, `potential` at or above alert (and below strong)."""

    strong: float = STRONG_THRESHOLD
    alert: float = ALERT_THRESHOLD
    blocking_kinds: frozenset[str] = field(default=BLOCKING_LIST_KINDS)

    def __post_init__(self) -> None:
        if not 0.0 < self.alert <= self.strong <= 1.0:
            raise ValueError("screening thresholds need 0 < alert <= strong <= 1")


@dataclass(frozen=True)
class ScreenedName:
    """A name the gate screens, with where it came from in the subject (`parties[1]`, `supplier.parent`)."""

    path: str
    role: str
    name: str
    country: str | None = None
    entity_type: str | None = None


def ownership_fields(fact: OwnershipFact | None) -> dict[str, Any]:
    """The ownership keys of a party's screening fact (all false and empty when nothing is known)."""
    fact = fact or OwnershipFact("clear")
    return {
        "owned_by_blocked": fact.status == "blocked",
        "controlled_by_blocked": fact.status == "review",
        "blocked_share": float(fact.blocked_share),
        "blocked_owners": [
            {
                "name": o.name,
                "share": o.share,
                "relation": o.relation,
                "listed": o.listed,
                "through": o.through,
            }
            for o in fact.owners
        ],
        "owners_text": fact.text(),
    }


def screening_fact(
    screened: ScreenedName,
    hits: Sequence[ScreeningHit],
    thresholds: ScreeningThresholds,
    ownership: OwnershipFact | None = None,
) -> dict[str, Any]:
    """Summarise one name's hits as the fact rules read: best blocking hit, strong / potential flags.

    `strong` and `potential` consider only blocking list kinds (sanctions, export control, forced labour);
    `other_kinds` names any other kinds (PEP, investment, custom) hit at or above the alert threshold.
    """
    ordered = sorted(hits, key=lambda hit: -hit.score)
    blocking = [hit for hit in ordered if hit.list_kind in thresholds.blocking_kinds]
    best = blocking[0] if blocking else (ordered[0] if ordered else None)
    best_blocking = blocking[0].score if blocking else 0.0
    strong = best_blocking >= thresholds.strong
    return {
        "path": screened.path,
        "role": screened.role,
        "name": screened.name,
        "country": screened.country,
        "best_score": float(best.score) if best else 0.0,
        "list_kind": best.list_kind if best else None,
        "list_name": best.list_name if best else None,
        "entry_id": best.entry_id if best else None,
        "matched_name": best.matched_name if best else None,
        "strong": strong,
        "potential": not strong and best_blocking >= thresholds.alert,
        "other_kinds": sorted(
            {
                h.list_kind
                for h in ordered
                if h.list_kind not in thresholds.blocking_kinds and h.score >= thresholds.alert
            }
        ),
        "hits": [
            {
                "list_name": h.list_name,
                "list_kind": h.list_kind,
                "entry_id": h.entry_id,
                "matched_name": h.matched_name,
                "score": float(h.score),
            }
            for h in ordered
            if h.score >= thresholds.alert
        ],
        **ownership_fields(ownership),
    }


def screen_names(
    screener: Screener, names: Sequence[ScreenedName], thresholds: ScreeningThresholds
) -> dict[str, Any]:
    """Screen every name; return `facts.screening`: per-name facts plus aggregates."""
    if isinstance(screener, BatchScreener) and names:
        found = list(screener.screen_many(names))
        if len(found) != len(names):
            raise ValueError(f"screen_many answered for {len(found)} of {len(names)} names")
    else:
        found = [
            screener.screen(item.name, entity_type=item.entity_type, country=item.country) for item in names
        ]
    owned: list[OwnershipFact | None] = [None] * len(names)
    if isinstance(screener, OwnershipScreener) and names:
        owned = list(screener.ownership_many(names))
        if len(owned) != len(names):
            raise ValueError(f"ownership_many answered for {len(owned)} of {len(names)} names")
    parties = [
        screening_fact(item, hits, thresholds, fact)
        for item, hits, fact in zip(names, found, owned, strict=True)
    ]
    return {
        "parties": parties,
        "any_strong": any(party["strong"] for party in parties),
        "any_potential": any(party["potential"] for party in parties),
        "any_owned_by_blocked": any(party["owned_by_blocked"] for party in parties),
        "strong_threshold": thresholds.strong,
        "alert_threshold": thresholds.alert,
    }
