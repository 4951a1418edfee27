"""The supplier tier graph as stored: whole or in parts, and the tier of each supplier it implies.

An edge buyer -> supplier means "buyer buys from supplier". Tier 1 is a supplier nobody in the graph buys
from (a direct supplier); a sub-supplier's tier is one more than its nearest buyer's. Suppliers only in a
cycle with no way in from a direct supplier count as tier 1.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from django.db import connection

from conduct.apps.suppliers.bulk import update_rows
from conduct.apps.suppliers.models import Supplier, SupplierRelation

CHUNK = 900  # ids per IN (...) list: inside every database's parameter limit


def chunks(values: Iterable[int], size: int = CHUNK) -> Iterable[list[int]]:
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def full_graph() -> dict[int, list[int]]:
    """buyer id -> ids of its direct sub-suppliers, for every relation (in the query's row order)."""
    graph: dict[int, list[int]] = {}
    get = graph.get
    # The rows straight from the driver: two integers each, nothing for the ORM to convert.
    sql, params = SupplierRelation.objects.values_list("buyer_id", "supplier_id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            for buyer, sub in rows:
                subs = get(buyer)
                if subs is None:
                    graph[buyer] = [sub]
                else:
                    subs.append(sub)
    return graph


def ancestors(ids: Iterable[int]) -> set[int]:
    """Every direct or indirect buyer of `ids` (not including them unless a cycle leads back)."""
    seen: set[int] = set()
    frontier = set(ids)
    while frontier:
        found: set[int] = set()
        for batch in chunks(frontier):
            found.update(
                SupplierRelation.objects.filter(supplier_id__in=batch).values_list("buyer_id", flat=True)
            )
        frontier = found - seen
        seen |= found
    return seen


def below(ids: Iterable[int]) -> tuple[set[int], dict[int, list[int]]]:
    """`ids` with everything beneath them, and the edges among those suppliers."""
    nodes = set(ids)
    graph: dict[int, list[int]] = {}
    frontier = set(nodes)
    while frontier:
        found: set[int] = set()
        for batch in chunks(frontier):
            for buyer, sub in SupplierRelation.objects.filter(buyer_id__in=batch).values_list(
                "buyer_id", "supplier_id"
            ):
                graph.setdefault(buyer, []).append(sub)
                found.add(sub)
        frontier = found - nodes
        nodes |= found
    return nodes, graph


def tiers(nodes: Iterable[int], graph: dict[int, list[int]]) -> dict[int, int]:
    """Tier of every node: breadth-first from the suppliers nobody buys from."""
    nodes = list(nodes)
    has_buyer: set[int] = {sub for subs in graph.values() for sub in subs}
    tier: dict[int, int] = {}
    queue: deque[int] = deque()
    for node in nodes:
        if node not in has_buyer:
            tier[node] = 1
            queue.append(node)

    def walk() -> None:
        while queue:
            node = queue.popleft()
            nxt = tier[node] + 1
            for sub in graph.get(node, ()):
                if sub not in tier:
                    tier[sub] = nxt
                    queue.append(sub)

    walk()
    for node in sorted(nodes):  # cycles with no way in: start each from tier 1
        if node not in tier:
            tier[node] = 1
            queue.append(node)
            walk()
    return tier


def tiers_refresh() -> int:
    """Recompute every supplier's tier from the whole graph; write the ones that changed. Returns that
    count."""
    current = dict(Supplier.objects.order_by().values_list("id", "tier").iterator(chunk_size=20000))
    computed = tiers(current, full_graph())
    changed = [(t, sid) for sid, t in computed.items() if current.get(sid) != t]
    update_rows(Supplier, ["tier"], changed)
    return len(changed)
