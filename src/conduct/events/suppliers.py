"""Events the suppliers app emits and the providers it implements for other apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conduct.events._bus import Event, Provider


@dataclass(frozen=True)
class SuppliersChanged(Event):
    """Suppliers were created, renamed, re-homed or imported: everything derived from them must follow.

    Emitted once per change by the one "suppliers changed" pipeline in suppliers' services, inside the change's
    transaction, whatever the entry point (API, page, CLI, import). Handled by screening (registers or updates
    each supplier as a screened party and screens it) and by suppliers (risk recomputed once, on commit).

    actor: who changed them. suppliers: the Supplier rows (saved). reason: "create", "update", "import", ...
    screen: whether screening should (re)screen them now. recompute_risk: whether a risk recompute follows.
    """

    actor: Any
    suppliers: tuple[Any, ...]
    reason: str
    screen: bool = True
    recompute_risk: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


supplier_for: Provider[..., Any] = Provider(
    "suppliers.supplier_for",
    "supplier_for(*, actor, supplier_id) -> Supplier the actor may read; NotFound otherwise.",
)
audit_for: Provider[..., Any] = Provider(
    "suppliers.audit_for",
    "audit_for(*, actor, audit_id) -> SupplierAudit the actor may read; NotFound otherwise.",
)
certificate_for: Provider[..., Any] = Provider(
    "suppliers.certificate_for",
    "certificate_for(*, actor, certificate_id) -> Certificate the actor may read; NotFound otherwise.",
)
finding_for: Provider[..., Any] = Provider(
    "suppliers.finding_for",
    "finding_for(*, actor, finding_id) -> Finding the actor may read; NotFound otherwise.",
)
