"""Screening for suppliers, through the screening module when it is installed; nothing until then.

The screening module (conduct.apps.screening.services) offers `party_upsert(reference="supplier:<id>", ...)`,
which registers a party and screens it, and `supplier_screening(ids) -> {id: {"confirmed": [list kinds],
"open_alerts": int, "results": [...]}}`. Without the module, suppliers have no screening facts: the risk model
leaves the screening drivers out and the pages say screening is not available. Nothing is stored in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

log = logging.getLogger("conduct.suppliers")


@dataclass(frozen=True)
class SupplierScreening:
    confirmed: frozenset[str] = frozenset()  # list kinds of confirmed matches
    open_alerts: int = 0  # potential matches nobody has reviewed yet
    results: tuple[dict[str, Any], ...] = field(default=())


def _services() -> Any:
    if not apps.is_installed("conduct.apps.screening"):
        return None
    try:
        from conduct.apps.screening import services
    except ImportError:
        return None
    return services


def available() -> bool:
    services = _services()
    return services is not None and hasattr(services, "supplier_screening")


def screening_for(supplier_ids: Iterable[int]) -> dict[int, SupplierScreening] | None:
    """Results per supplier (suppliers never screened are absent), or None when no screening module is installed."""
    services = _services()
    provider = getattr(services, "supplier_screening", None)
    if provider is None:
        return None
    found: dict[int, SupplierScreening] = {}
    for supplier_id, result in provider(list(supplier_ids)).items():
        found[int(supplier_id)] = SupplierScreening(
            confirmed=frozenset(result.get("confirmed") or ()),
            open_alerts=int(result.get("open_alerts") or 0),
            results=tuple(result.get("results") or ()),
        )
    return found


def register(supplier: Any) -> bool:
    """Register (or update) the supplier as a party to screen, and screen it, when the module is installed.
    Called by the supplier services inside their transaction; the caller has checked its own permission."""
    services = _services()
    upsert = getattr(services, "party_upsert", None)
    if upsert is None:
        return False
    upsert(
        actor=None,
        reference=f"supplier:{supplier.pk}",
        kind="supplier",
        name=supplier.name,
        aliases=list(supplier.aliases),
        country=supplier.country,
        entity_type="organization",
        org_unit=supplier.org_unit,
    )
    return True
