"""Tier propagation: a sub-supplier's risk reaches its buyers, discounted by distance, with the path named.

A supplier s with propagating points p(s) (designated region, confirmed screening match, critical findings,
high-risk country; see PROPAGATING_DRIVERS) contributes p(s) x decay^d to every buyer d tiers above it,
d being the shortest distance. Each buyer keeps its `top` largest contributions from distinct sources.
Only a supplier's own points propagate, never what reached it from below, so nothing is counted twice.

The computation is a best-first search over the reversed graph (sub-supplier -> buyers) with labels
(source, value), values taken in falling order: the first label from a source that a node accepts is the
best that source can give it. Each node accepts at most top + 1 labels (one spare, because a buyer drops
the label that comes from itself around a cycle), so cycles terminate and the work is bounded by
O((top + 1) x relations) whatever the shape of the graph. Contributions below min_points (they would
round to 0 points) are not carried further.

The queue holds one bucket per distinct value (values are points x decay^d, so there are few) with a heap
of those values; a bucket lists, in arrival order, the labels offering that value to the buyers of their
node. Taking the buckets in falling value and each bucket's labels and their buyers in order is the order
a heap of (-value, arrival, buyer) entries would give, for a list append per label instead of a heap push
and pop per buyer.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from conduct.core._gc import paused_gc

from ._supplier import _Own, _OwnScorer
from ._supplier_model import (
    DEFAULT_WEIGHTS,
    RiskDriver,
    RiskWeights,
    SupplierRisk,
    SupplierRiskInputs,
    UpstreamContribution,
    _round,
    _upstream_detail,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

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


def _own_points_of(supplier_id: Hashable, own: _Own) -> float:
    return _points_of(supplier_id, own[5])


def _own_reason_of(own: _Own) -> str:
    """_reason_of for the SupplierRisk that `own` stands for."""
    return "; ".join(own[6]) or f"{own[5]} risk points"


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

    graph: buyer -> its direct sub-suppliers (lists, sets or tuples: read more than once). own: a supplier's
    SupplierRisk (its propagating_points flow up) or a plain number of points. Returns an entry for every
    supplier in the graph or in own, or, with targets, for those only (computed on their sub-graph: what
    lies below them).
    """
    with paused_gc():
        search = _search(
            graph, own, _points_of, _reason_of, decay=decay, top=top, min_points=min_points, targets=targets
        )
        # Everyone named anywhere: buyers, sub-suppliers and suppliers with own risk.
        everyone: Iterable[K] = (
            targets if targets is not None else dict.fromkeys(itertools.chain(search.ids, own))
        )
        return {supplier: search.result(supplier, top=top) for supplier in everyone}


def _search(
    graph: Mapping[K, Collection[K]],
    own: Mapping[K, V],
    points_of: Callable[[K, V], float],
    reason_of: Callable[[V], str],
    *,
    decay: float,
    top: int,
    min_points: float,
    targets: Collection[K] | None,
) -> _Search[V]:
    if not 0 < decay <= 1:
        raise ValueError(f"decay must be in (0, 1], got {decay!r}")
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be an integer >= 1, got {top!r}")
    if not min_points > 0:
        raise ValueError(f"min_points must be > 0, got {min_points!r}")
    edges: Mapping[K, Collection[K]] = graph
    sources: Mapping[K, V] = own
    if targets is not None:
        scope = _descendants(graph, targets)
        # Filter in the caller's order, so ties between equal paths break the same way as in a full run.
        edges = {buyer: subs for buyer, subs in graph.items() if buyer in scope}
        sources = {supplier: value for supplier, value in own.items() if supplier in scope}
    return _Search(edges, sources, points_of, reason_of, decay=decay, keep=top + 1, min_points=min_points)


class _Search(Generic[V]):
    """The best-first search on integer positions (list indexing beats hashing the caller's ids)."""

    def __init__(
        self,
        edges: Mapping[Any, Iterable[Any]],
        sources: Mapping[Any, V],
        points_of: Callable[[Any, V], float],
        reason_of: Callable[[V], str],
        *,
        decay: float,
        keep: int,
        min_points: float,
    ) -> None:
        self.sources = sources
        self.reason_of = reason_of
        self.index: dict[Any, int] = {}
        self.ids: list[Any] = []
        self.source_points: dict[int, float] = {}
        buyers_of = self._add_edges(edges)
        buckets, values = self._seed(buyers_of, points_of, decay=decay, min_points=min_points)
        self.labels = self._run(buyers_of, buckets, values, decay=decay, keep=keep, min_points=min_points)
        self.reasons: dict[int, str] = {}
        self.made: dict[int, RiskDriver] = {}  # id(via label) -> driver, for score_suppliers

    def _position(self, supplier: Any, buyers_of: list[list[int]]) -> int:
        at = self.index.get(supplier)
        if at is None:
            at = self.index[supplier] = len(self.ids)
            self.ids.append(supplier)
            buyers_of.append([])
        return at

    def _add_edges(self, edges: Mapping[Any, Iterable[Any]]) -> list[list[int]]:
        """Positions for everyone in `edges`, buyers first; returns each position's buyers."""
        buyers_of: list[list[int]] = []
        index, ids, position = self.index, self.ids, self._position
        for buyer in edges:  # mapping keys: each new
            index[buyer] = len(ids)
            ids.append(buyer)
            buyers_of.append([])
        get = index.get
        for buyer, subs in edges.items():
            buyer_at = index[buyer]
            for sub in subs:
                sub_at = get(sub)
                if sub_at is None:
                    sub_at = position(sub, buyers_of)
                buyers_of[sub_at].append(buyer_at)
        return buyers_of

    def _seed(
        self,
        buyers_of: list[list[int]],
        points_of: Callable[[Any, V], float],
        *,
        decay: float,
        min_points: float,
    ) -> tuple[dict[float, list[_Label]], list[float]]:
        """The queue with each source's own label: value -> labels in arrival order, each offering that value
        to every buyer of its node (one entry per label, not per buyer: the buyers are taken in order when it
        comes out, which is the order separate entries would have had), and a heap of the negated values
        that have a bucket."""
        buckets: dict[float, list[_Label]] = {}
        values: list[float] = []
        for source, fact in self.sources.items():
            points = points_of(source, fact)
            if points <= 0:
                continue
            source_at = self._position(source, buyers_of)
            self.source_points[source_at] = points
            first = points * decay
            if first < min_points or not buyers_of[source_at]:
                continue
            root: _Label = (points, source_at, 0, source_at, None)
            bucket = buckets.get(first)
            if bucket is None:
                buckets[first] = [root]
                values.append(-first)
            else:
                bucket.append(root)
        heapq.heapify(values)
        return buckets, values

    def _run(
        self,
        buyers_of: list[list[int]],
        buckets: dict[float, list[_Label]],
        values: list[float],
        *,
        decay: float,
        keep: int,
        min_points: float,
    ) -> list[list[_Label]]:
        """The search itself: the labels each node accepts, best first."""
        labels: list[list[_Label]] = [[] for _ in self.ids]
        origins: list[list[int]] = [[] for _ in self.ids]  # sources of labels[node], for a fast `in`
        pop, push = heapq.heappop, heapq.heappush
        while values:
            value = -pop(values)
            # Taken out before reading: with decay 1 what this bucket passes on arrives under the same value,
            # in a new bucket, after everything already here (as arrival order would have it).
            bucket = buckets.pop(value)
            onward = value * decay
            passes_on = onward >= min_points
            later: list[_Label] | None = None
            for parent in bucket:
                origin = parent[1]
                distance = parent[2] + 1
                for node in buyers_of[parent[3]]:
                    if node == origin:
                        continue  # a cycle brought a supplier's own risk back to it
                    seen = origins[node]
                    if len(seen) >= keep or origin in seen:
                        continue
                    label: _Label = (value, origin, distance, node, parent)
                    labels[node].append(label)
                    seen.append(origin)
                    if passes_on and buyers_of[node]:
                        if later is None:
                            later = buckets.get(onward)
                            if later is None:
                                later = buckets[onward] = []
                                push(values, -onward)
                        later.append(label)
        return labels

    def reason(self, origin: int) -> str:
        reason = self.reasons.get(origin)
        if reason is None:
            reason = self.reasons[origin] = self.reason_of(self.sources[self.ids[origin]])
        return reason

    def contributions(self, supplier: Any, *, top: int) -> tuple[UpstreamContribution, ...]:
        at = self.index.get(supplier)
        if at is None or not self.labels[at]:
            return ()
        ids = self.ids
        found: list[UpstreamContribution] = []
        for value, origin, distance, _, via in self.labels[at][:top]:
            reason = self.reason(origin)
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

    def driver(self, label: _Label) -> RiskDriver:
        """The "upstream" driver that add_upstream makes of the contribution `label` stands for.

        It is a function of the label the contribution came through (`via`: source, path, distance and value
        all follow from it), so score_suppliers makes one per `via` and buyers reached through it share it.
        """
        value, origin, distance, _, via = label
        ids = self.ids
        reason = self.reason(origin)
        nodes: list[Hashable] = []
        link: _Label | None = via
        while link is not None:
            nodes.append(ids[link[3]])
            link = link[4]
        source = ids[origin]
        detail = _upstream_detail(
            source, distance, " -> ".join(map(str, nodes)), reason, self.source_points[origin], value
        )
        return RiskDriver(name="upstream", value=source, points=_round(value), detail=detail)


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

    The result is exactly what those three public steps give, computed in bulk: each distinct group of own
    drivers is built once and shared, and upstream drivers are made straight from the search.
    """
    scorer = _OwnScorer(weights)
    with paused_gc():
        own_of = scorer.own
        if targets is None:
            own = {supplier: own_of(item) for supplier, item in inputs.items()}
            scored: Iterable[K] = own
        else:
            missing = [supplier for supplier in targets if supplier not in inputs]
            if missing:
                raise KeyError(f"no SupplierRiskInputs for {', '.join(map(repr, missing[:5]))}")
            below = _descendants(graph, targets)
            own = {supplier: own_of(item) for supplier, item in inputs.items() if supplier in below}
            scored = targets
        search = _search(
            graph, own, _own_points_of, _own_reason_of, decay=decay, top=top, min_points=0.5, targets=targets
        )
        labels, index, made, make, add = search.labels, search.index, search.made, search.driver, scorer.add
        result: dict[K, SupplierRisk] = {}
        for supplier in scored:
            upstream: list[RiskDriver] = []
            total = 0
            at = index.get(supplier)
            if at is not None:
                for label in labels[at][:top]:
                    via = id(label[4])  # labels live as long as the search: ids stay unique
                    driver = made.get(via)
                    if driver is None:
                        driver = made[via] = make(label)
                    if driver.points > 0:
                        upstream.append(driver)
                        total += driver.points
            result[supplier] = add(own[supplier], upstream, total)
        return result
