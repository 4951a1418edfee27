"""Screening results for suppliers, read through the provider `conduct.events.screening.supplier_screening`.

The screening module registers the provider (`supplier_screening(ids) -> {id: {"confirmed": [list kinds],
"open_alerts": int, "results": [...]}}`) and registers suppliers as parties by handling SuppliersChanged.
Without it, suppliers have no screening facts: the risk model leaves the screening drivers out and the pages
say screening is not available. Nothing is stored in its place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conduct.events.screening import supplier_screening


@dataclass(frozen=True)
class SupplierScreening:
    confirmed: frozenset[str] = frozenset()  # list kinds of confirmed matches
    open_alerts: int = 0  # potential matches nobody has reviewed yet
    results: tuple[dict[str, Any], ...] = field(default=())


def available() -> bool:
    return supplier_screening.registered


def screening_for(supplier_ids: Iterable[int]) -> dict[int, SupplierScreening] | None:
    """Results per supplier (suppliers never screened are absent), or None when no screening module is
    installed."""
    if not supplier_screening.registered:
        return None
    found: dict[int, SupplierScreening] = {}
    for supplier_id, result in supplier_screening(list(supplier_ids)).items():
        found[int(supplier_id)] = SupplierScreening(
            confirmed=frozenset(result.get("confirmed") or ()),
            open_alerts=int(result.get("open_alerts") or 0),
            results=tuple(result.get("results") or ()),
        )
    return found
