"""Tier propagation: a sub-supplier's risk reaches its buyers, discounted by distance, with the path named.

A supplier s with propagating points p(s) (designated region, confirmed screening match, critical findings,
high-risk country; see PROPAGATING_DRIVERS) contributes p(s) x decay^d to every buyer d tiers above it,
d being the shortest distance. Each buyer keeps its `top` largest contributions from distinct sources.
Only a supplier's own points propagate, never what reached it from below, so nothing is counted twice.

The computation is a best-first search over the reversed graph (sub-supplier -> buyers) with labels
(source, value), values taken in falling order: the first label from a source that a node accepts is the
best that source can give it. Each node accepts at most top + 1 labels (one spare, because a buyer drops
the label that comes from itself around a cycle), so cycles terminate and the work is bounded by
O((top + 1) x relations x log) whatever the shape of the graph. Contributions below min_points (they would
round to 0 points) are not carried further.
"""

from __future__ import annotations

import gc
import heapq
import itertools
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ._supplier import (
    DEFAULT_WEIGHTS,
    RiskWeights,
    SupplierRisk,
    SupplierRiskInputs,
    UpstreamContribution,
    add_upstream,
    supplier_risk,
)

K = TypeVar("K", bound=Hashable)

# label: (value, source, distance, node, parent label), source and node as integer positions; the
# parent chain spells the path.
_Label = tuple[float, int, int, int, "_Label | None"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Propagated:
    """What reaches one supplier from below: its largest contributions, best first, and their sum."""

    supplier_id: Hashable
    points: float
    contributions: tuple[UpstreamContribution, ...]


def reverse_graph(graph: Mapping[K, Iterable[K]]) -> dict[K, list[K]]:
    """buyer -> sub-suppliers turned into sub-supplier -> buyers."""
    reverse: dict[K, list[K]] = {}
    get = reverse.get
    for buyer, subs in graph.items():
        for sub in subs:
            buyers = get(sub)
            if buyers is None:
                reverse[sub] = [buyer]
            else:
                buyers.append(buyer)
    return reverse


def affected_buyers(graph_reverse: Mapping[K, Iterable[K]], changed_ids: Iterable[K]) -> set[K]:
    """Every direct or indirect buyer of the changed suppliers: whose upstream risk may have changed.

    The changed suppliers themselves are included only when they are their own buyer through a cycle;
    for an incremental recompute, rescore `changed | affected_buyers(...)`.
    """
    seen: set[K] = set()
    stack = list(changed_ids)
    while stack:
        node = stack.pop()
        for buyer in graph_reverse.get(node, ()):
            if buyer not in seen:
                seen.add(buyer)
                stack.append(buyer)
    return seen


def _descendants(graph: Mapping[K, Iterable[K]], roots: Iterable[K]) -> set[K]:
    seen = set(roots)
    stack = list(seen)
    while stack:
        for sub in graph.get(stack.pop(), ()):
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen


def _points_of(supplier_id: Hashable, value: SupplierRisk | float) -> float:
    points = float(value.propagating_points if isinstance(value, SupplierRisk) else value)
    if not points >= 0 or points == float("inf"):
        raise ValueError(f"own risk of {supplier_id!r} must be a finite number >= 0, got {points!r}")
    return points


def _reason_of(value: SupplierRisk | float) -> str:
    if isinstance(value, SupplierRisk):
        return "; ".join(value.propagating_reasons) or f"{value.propagating_points} risk points"
    return f"{float(value):.4g} risk points"


def propagate(
    graph: Mapping[K, Collection[K]],
    own: Mapping[K, SupplierRisk | float],
    *,
    decay: float = 0.5,
    top: int = 3,
    min_points: float = 0.5,
    targets: Collection[K] | None = None,
) -> dict[K, Propagated]:
    """Risk flowing up from sub-suppliers to each buyer, discounted by decay^distance.

    graph: buyer -> its direct sub-suppliers (lists, sets or tuples: read more than once). own: a supplier's SupplierRisk (its propagating_points
    flow up) or a plain number of points. Returns an entry for every supplier in the graph or in own, or,
    with targets, for those only (computed on their sub-graph: what lies below them).
    """
    with paused_gc():
        search = _search(graph, own, decay=decay, top=top, min_points=min_points, targets=targets)
        # Everyone named anywhere: buyers, sub-suppliers and suppliers with own risk.
        everyone: Iterable[K] = (
            targets if targets is not None else dict.fromkeys(itertools.chain(search.ids, own))
        )
        return {supplier: search.result(supplier, top=top) for supplier in everyone}


def _search(
    graph: Mapping[K, Collection[K]],
    own: Mapping[K, SupplierRisk | float],
    *,
    decay: float,
    top: int,
    min_points: float,
    targets: Collection[K] | None,
) -> _Search:
    if not 0 < decay <= 1:
        raise ValueError(f"decay must be in (0, 1], got {decay!r}")
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be an integer >= 1, got {top!r}")
    if not min_points > 0:
        raise ValueError(f"min_points must be > 0, got {min_points!r}")
    edges: Mapping[K, Collection[K]] = graph
    sources: Mapping[K, SupplierRisk | float] = own
    if targets is not None:
        scope = _descendants(graph, targets)
        # Filter in the caller's order, so ties between equal paths break the same way as in a full run.
        edges = {buyer: subs for buyer, subs in graph.items() if buyer in scope}
        sources = {supplier: value for supplier, value in own.items() if supplier in scope}
    return _Search(edges, sources, decay=decay, keep=top + 1, min_points=min_points)


class _Search:
    """The best-first search on integer positions (list indexing beats hashing the caller's ids)."""

    def __init__(
        self,
        edges: Mapping[Any, Iterable[Any]],
        sources: Mapping[Any, SupplierRisk | float],
        *,
        decay: float,
        keep: int,
        min_points: float,
    ) -> None:
        self.sources = sources
        self.index: dict[Any, int] = {}
        self.ids: list[Any] = []
        buyers_of: list[list[int]] = []
        index, ids = self.index, self.ids

        def position(supplier: Any) -> int:
            at = index.get(supplier)
            if at is None:
                at = index[supplier] = len(ids)
                ids.append(supplier)
                buyers_of.append([])
            return at

        for buyer in edges:  # mapping keys: each new
            index[buyer] = len(ids)
            ids.append(buyer)
            buyers_of.append([])
        for buyer, subs in edges.items():
            buyer_at = index[buyer]
            for sub in subs:
                sub_at = index.get(sub)
                buyers_of[position(sub) if sub_at is None else sub_at].append(buyer_at)

        counter = itertools.count()
        # heap entry: (-value, tie-break, node, label of the sub-supplier it came from)
        heap: list[tuple[float, int, int, _Label]] = []
        self.source_points: dict[int, float] = {}
        for source, value in sources.items():
            points = _points_of(source, value)
            if points <= 0:
                continue
            source_at = position(source)
            self.source_points[source_at] = points
            first = points * decay
            if first < min_points:
                continue
            root: _Label = (points, source_at, 0, source_at, None)
            for buyer_at in buyers_of[source_at]:
                heap.append((-first, next(counter), buyer_at, root))
        heapq.heapify(heap)

        labels: list[list[_Label]] = [[] for _ in ids]
        origins: list[list[int]] = [[] for _ in ids]  # sources of labels[node], for a fast `in`
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            neg_value, _, node, parent = pop(heap)
            origin = parent[1]
            if node == origin:
                continue  # a cycle brought a supplier's own risk back to it
            seen = origins[node]
            if len(seen) >= keep or origin in seen:
                continue
            label: _Label = (-neg_value, origin, parent[2] + 1, node, parent)
            labels[node].append(label)
            seen.append(origin)
            onward = neg_value * decay
            if -onward < min_points:
                continue
            for buyer_at in buyers_of[node]:
                theirs = origins[buyer_at]
                if len(theirs) < keep and origin not in theirs and buyer_at != origin:
                    push(heap, (onward, next(counter), buyer_at, label))
        self.labels = labels
        self.reasons: dict[int, str] = {}

    def contributions(self, supplier: Any, *, top: int) -> tuple[UpstreamContribution, ...]:
        at = self.index.get(supplier)
        if at is None or not self.labels[at]:
            return ()
        ids = self.ids
        found: list[UpstreamContribution] = []
        for value, origin, distance, _, via in self.labels[at][:top]:
            reason = self.reasons.get(origin)
            if reason is None:
                reason = self.reasons[origin] = _reason_of(self.sources[ids[origin]])
            path: list[Hashable] = []
            link: _Label | None = via
            while link is not None:
                path.append(ids[link[3]])
                link = link[4]
            found.append(
                UpstreamContribution(
                    source_id=ids[origin],
                    distance=distance,
                    path=tuple(path),
                    source_points=self.source_points[origin],
                    points=value,
                    reason=reason,
                )
            )
        return tuple(found)

    def result(self, supplier: Any, *, top: int) -> Propagated:
        found = self.contributions(supplier, top=top)
        return Propagated(supplier_id=supplier, points=sum(c.points for c in found), contributions=found)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a bulk computation, restoring it after.

    Scoring and propagation create around a million small, acyclic objects; reference counting frees
    them all, and cyclic collections triggered meanwhile would walk the growing results again and again
    (about 40 % of the run time for 100,000 suppliers). Nothing is lost by pausing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def score_suppliers(
    inputs: Mapping[K, SupplierRiskInputs],
    graph: Mapping[K, Collection[K]],
    *,
    weights: RiskWeights = DEFAULT_WEIGHTS,
    decay: float = 0.5,
    top: int = 3,
    targets: Collection[K] | None = None,
) -> dict[K, SupplierRisk]:
    """Final scores with upstream risk: supplier_risk for each, propagate, then add_upstream.

    Without targets: every supplier in inputs (sub-suppliers missing from inputs pass nothing on).
    With targets (say changed | affected_buyers(...)): only those, computed from what lies below them;
    the result for each equals a full run's. Upstream already in the inputs is ignored: it is recomputed.
    """

    def own_risk(item: SupplierRiskInputs) -> SupplierRisk:
        return supplier_risk(replace(item, upstream=()) if item.upstream else item, weights=weights)

    with paused_gc():
        if targets is None:
            own = {supplier: own_risk(item) for supplier, item in inputs.items()}
            scored: Iterable[K] = own
        else:
            missing = [supplier for supplier in targets if supplier not in inputs]
            if missing:
                raise KeyError(f"no SupplierRiskInputs for {', '.join(map(repr, missing[:5]))}")
            below = _descendants(graph, targets)
            own = {supplier: own_risk(item) for supplier, item in inputs.items() if supplier in below}
            scored = targets
        search = _search(graph, own, decay=decay, top=top, min_points=0.5, targets=targets)
        result: dict[K, SupplierRisk] = {}
        for supplier in scored:
            upstream = search.contributions(supplier, top=top)
            risk = own[supplier]
            result[supplier] = add_upstream(risk, upstream, weights=weights) if upstream else risk
        return result
