"""Events of the modules to come (grievances, device access): an incident officers must see was raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conduct.events._bus import Event


@dataclass(frozen=True)
class GrievanceRaised(Event):
    """A grievance needs a governance case (escalated by a grievance officer).

    Emitted by the grievances module inside the escalation's transaction; handled by governance, which opens a
    case (source grievance) on the officers' queue and returns it. The grievance's text never travels in the
    event: only a reference and the handler-visible title.

    actor, grievance_ref ("grievance 12"), title, dimension, org_unit (or None), rights (list of human
    rights)."""

    actor: Any
    grievance_ref: str
    title: str
    dimension: str
    org_unit: Any = None
    rights: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessIncidentRaised(Event):
    """A device access happened without a grant that covers it.

    Emitted by the device-access module inside the reconciliation's transaction; handled by governance, which
    opens an incident case (dimension product, right privacy) for the officers and returns it.

    actor, event_ref ("access event 7"), device_serial, customer (the PortalOrganisation), title, org_unit.
    """

    actor: Any
    event_ref: str
    device_serial: str
    customer: Any
    title: str
    org_unit: Any = None


@dataclass(frozen=True)
class GrievanceLinkedToSupplier(Event):
    """A grievance officer linked a grievance to a supplier.

    Emitted by the grievances module inside the link's transaction; handled by suppliers, which records it as
    an open major finding against UNGP-31 on the supplier (so the supplier's risk drivers count it, through
    the open-findings driver) and, with `corrective_action`, a corrective action plan for it. Nothing of the
    report's text travels: only its reference.

    actor (the grievance officer), grievance_ref ("grievance 12"), supplier (the Supplier row), dimension,
    corrective_action (bool). Handlers return the Finding they wrote (or nothing)."""

    actor: Any
    grievance_ref: str
    supplier: Any
    dimension: str = "supply_chain"
    corrective_action: bool = False
