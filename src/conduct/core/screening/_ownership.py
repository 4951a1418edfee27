"""The OFAC 50 % rule over ownership and control relations: who is blocked by whom, and why.

An entity owned 50 % or more in aggregate, directly or indirectly, by one or more blocked persons is blocked
itself. "Indirectly" follows OFAC's guidance (FAQ 401, the 2014 revised guidance): an entity blocked by that
rule is a blocked person, so its holdings count in full; shares are never multiplied down a chain. Blocked
persons with control or a directorship but without such ownership make an entity a case for review, not a
block. Decided as a least fixed point, so a cycle of holdings terminates and never blocks itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

OWNERSHIP = "ownership"
CONTROL = "control"
DIRECTORSHIP = "directorship"
RELATIONS = (OWNERSHIP, CONTROL, DIRECTORSHIP)
BLOCKING_SHARE = 50.0
MAX_DEPTH = 12  # levels of owners read above an entity; real chains are far shorter

BLOCKED = "blocked"
REVIEW = "review"
CLEAR = "clear"


@dataclass(frozen=True)
class Relation:
    """`owner` owns (with `share` percent), controls or directs `owned`. Ids are the caller's strings."""

    owner: str
    owned: str
    relation: str = OWNERSHIP
    share: float | None = None  # 0..100 for ownership; None when unknown or not ownership
    source: str = ""


@dataclass(frozen=True)
class Holder:
    """One blocked owner or controller of an entity: its share (None for control, directorship or an
    unknown share), whether it is listed itself, and the holders that make it blocked when it is not."""

    owner: str
    relation: str
    share: float | None
    listed: bool
    through: tuple[Holder, ...] = ()

    def describe(self, names: dict[str, str] | None = None) -> str:
        name = (names or {}).get(self.owner, self.owner)
        what = f"{_pct(self.share)} %" if self.share is not None else self.relation
        if self.listed:
            return f"{name} {what} (listed)"
        inner = "; ".join(h.describe(names) for h in self.through)
        return f"{name} {what} (blocked: owned by {inner})"


@dataclass(frozen=True)
class OwnershipFinding:
    """Where an entity stands under the 50 % rule, with the holders that put it there."""

    entity: str
    status: str  # blocked | review | clear
    blocked_share: float  # aggregate ownership held by blocked persons, 0..100
    owners: tuple[Holder, ...]  # blocked owners (with their shares), largest first
    controllers: tuple[Holder, ...]  # blocked persons with control, a directorship or an unknown share

    @property
    def blocked(self) -> bool:
        return self.status == BLOCKED

    def summary(self, names: dict[str, str] | None = None) -> str:
        parts = [h.describe(names) for h in self.owners]
        parts += [h.describe(names) for h in self.controllers if h not in self.owners]
        return "; ".join(parts)


def _pct(share: float) -> str:
    return f"{share:g}"


class OwnershipGraph:
    """Relations indexed by the entity owned; decide() applies the rule to one entity."""

    def __init__(self, relations: Iterable[Relation], blocked: Collection[str]) -> None:
        self.blocked = frozenset(blocked)
        # One share per (owner, owned): the same holding reported by two sources is not counted twice.
        self._owned_by: dict[str, dict[tuple[str, str], Relation]] = {}
        for rel in relations:
            if rel.owner == rel.owned or rel.relation not in RELATIONS:
                continue
            held = self._owned_by.setdefault(rel.owned, {})
            key = (rel.owner, rel.relation)
            before = held.get(key)
            if before is None or (rel.share or 0.0) > (before.share or 0.0):
                held[key] = rel

    def holders_of(self, entity: str) -> list[Relation]:
        return list(self._owned_by.get(entity, {}).values())

    def _ancestors(self, entity: str) -> list[str]:
        seen, frontier = {entity}, [entity]
        for _ in range(MAX_DEPTH):
            nxt = [r.owner for node in frontier for r in self.holders_of(node) if r.owner not in seen]
            seen.update(nxt)
            frontier = nxt
            if not frontier:
                break
        return sorted(seen)

    def _blocked_closure(self, nodes: list[str]) -> dict[str, tuple[Holder, ...]]:
        """Every node blocked by ownership (least fixed point), with the blocked owners that made it so."""
        why: dict[str, tuple[Holder, ...]] = {}
        changed = True
        while changed:
            changed = False
            for node in nodes:
                if node in why or node in self.blocked:
                    continue
                owners = self._blocked_owners(node, why)
                if sum(h.share or 0.0 for h in owners) >= BLOCKING_SHARE:
                    why[node] = owners
                    changed = True
        return why

    def _blocked_owners(self, node: str, why: dict[str, tuple[Holder, ...]]) -> tuple[Holder, ...]:
        found = [
            self._holder(rel, why)
            for rel in self.holders_of(node)
            if rel.relation == OWNERSHIP and rel.share is not None and self._is_blocked(rel.owner, why)
        ]
        return tuple(sorted(found, key=lambda h: (-(h.share or 0.0), h.owner)))

    def _is_blocked(self, node: str, why: dict[str, tuple[Holder, ...]]) -> bool:
        return node in self.blocked or node in why

    def _holder(self, rel: Relation, why: dict[str, tuple[Holder, ...]]) -> Holder:
        listed = rel.owner in self.blocked
        return Holder(
            owner=rel.owner,
            relation=rel.relation,
            share=rel.share if rel.relation == OWNERSHIP else None,
            listed=listed,
            through=() if listed else why.get(rel.owner, ()),
        )

    def decide(self, entity: str) -> OwnershipFinding:
        why = self._blocked_closure(self._ancestors(entity))
        owners = self._blocked_owners(entity, why)
        share = min(sum(h.share or 0.0 for h in owners), 100.0)
        controllers = tuple(
            sorted(
                (
                    self._holder(rel, why)
                    for rel in self.holders_of(entity)
                    if self._is_blocked(rel.owner, why) and (rel.relation != OWNERSHIP or rel.share is None)
                ),
                key=lambda h: (h.relation, h.owner),
            )
        )
        status = BLOCKED if share >= BLOCKING_SHARE else REVIEW if controllers else CLEAR
        return OwnershipFinding(entity, status, share, owners, controllers)


def ownership_decide(
    entity: str, relations: Iterable[Relation], blocked: Collection[str]
) -> OwnershipFinding:
    """Apply the 50 % rule to `entity` over `relations`, given the ids of the persons listed as blocked."""
    return OwnershipGraph(relations, blocked).decide(entity)
