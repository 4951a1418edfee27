"""How suppliers reacts to other apps' events (registered in SuppliersConfig.ready).

A grievance linked to a supplier becomes an open major finding against UNGP-31 (the supplier's risk drivers
count open findings, so the risk follows at once) and, when the officer asks, a corrective action plan.
They are written by the system on the grievance officer's link (the grievance's own `grievance.link` entry
names the officer): a grievance officer holds no supplier permission, and the report's text never leaves the
grievances module.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.suppliers.models import AuditKind, Finding, Severity
from conduct.apps.suppliers.services.audits import action_create, audit_create, finding_add
from conduct.events import subscribe
from conduct.events.incidents import GrievanceLinkedToSupplier

GRIEVANCE_REQUIREMENT = "urn:conduct:ungp:UNGP-31"


@subscribe(GrievanceLinkedToSupplier, name="suppliers.record_grievance_finding")
def record_grievance_finding(event: GrievanceLinkedToSupplier) -> Finding:
    supplier = event.supplier
    audit = audit_create(
        actor=SYSTEM,
        supplier=supplier,
        kind=AuditKind.SOCIAL,
        date=timezone.localdate(),
        auditor="Grievance mechanism",
        scope=f"{event.grievance_ref} ({event.dimension}), linked by a grievance officer",
    )
    finding = finding_add(
        actor=SYSTEM,
        audit=audit,
        severity=Severity.MAJOR,
        requirement=GRIEVANCE_REQUIREMENT,
        description=f"A grievance ({event.grievance_ref}) concerns this supplier; the grievance officers "
        "hold its details.",
    )
    if event.corrective_action:
        action_create(
            actor=SYSTEM,
            finding=finding,
            action=f"Investigate and remediate the matter raised in {event.grievance_ref}.",
            owner=supplier.name[:200],
            due_date=timezone.localdate() + timedelta(days=30),
        )
    return finding
