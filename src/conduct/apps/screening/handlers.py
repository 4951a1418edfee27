"""Screening's handlers of domain events (registered at start-up by ScreeningConfig.ready).

- ListVersionLoaded (screening's own list load): queue the delta screening of the stored parties once the
  version is committed.
- SuppliersChanged (suppliers' one "suppliers changed" pipeline): register or update each supplier as a
  screened party ("supplier:<id>"), screen them together against one reading of the current lists, and keep
  each supplier's parent company as a control relation (source "suppliers"), inside the suppliers'
  transaction.
- DeviceInstallersChanged (device access: devices registered or imported): register or update each installer
  as a screened party ("installer:<slug>", kind integrator) and screen it, inside the devices' transaction.
"""

from __future__ import annotations

from django.db import transaction

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.screening.models import PartyKind
from conduct.apps.screening.services.matches import parties_screen
from conduct.apps.screening.services.parties import party_upsert
from conduct.apps.screening.services.relations import supplier_parents_record
from conduct.apps.screening.tasks import screen_list_delta
from conduct.events import subscribe
from conduct.events.access import DeviceInstallersChanged
from conduct.events.screening import ListVersionLoaded
from conduct.events.suppliers import SuppliersChanged


@subscribe(ListVersionLoaded, name="screening.queue_delta_screening")
def queue_delta_screening(event: ListVersionLoaded) -> None:
    """Delta screening runs after the commit: the task reads the committed version."""
    watch_list_id = event.watch_list_id
    transaction.on_commit(lambda: screen_list_delta.enqueue(watch_list_id))


@subscribe(SuppliersChanged, name="screening.register_suppliers")
def register_suppliers(event: SuppliersChanged) -> int:
    """Register (or update) each changed supplier as a party and screen it; returns how many were registered.

    The suppliers' service has authorized the change; the party is written by the system, as it always was."""
    if event.screen:
        parties = [
            party_upsert(
                actor=SYSTEM,
                reference=f"supplier:{supplier.pk}",
                kind=str(PartyKind.SUPPLIER),
                name=supplier.name,
                aliases=list(supplier.aliases),
                country=supplier.country,
                entity_type="organization",
                org_unit=supplier.org_unit,
                screen=False,
            )
            for supplier in event.suppliers
        ]
        # The batch path: every party against one reading of the current lists, not one reading each.
        parties_screen(
            actor=SYSTEM,
            parties=[p for p in parties if p.last_screened_at is None or p.updated_at > p.last_screened_at],
        )
    supplier_parents_record(
        actor=SYSTEM,
        parents={
            f"supplier:{s.pk}": f"supplier:{s.parent_company_id}"
            if getattr(s, "parent_company_id", None)
            else None
            for s in event.suppliers
        },
    )
    return len(event.suppliers) if event.screen else 0


@subscribe(DeviceInstallersChanged, name="screening.register_installers")
def register_installers(event: DeviceInstallersChanged) -> int:
    """Register (or update) each installer named on new devices as a party and screen it; returns how many.

    Device access has authorized the registration; the party is written by the system. A party with no unit
    of its own goes under the top unit of the organisation tree; with no tree yet (a fresh install before
    `conduct org init`) there is nowhere to keep parties, and nothing is registered."""
    top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    registered = 0
    for installer in event.installers:
        unit = installer.org_unit or top
        if unit is None:
            continue
        party_upsert(
            actor=SYSTEM,
            reference=installer.reference,
            kind=str(PartyKind.INTEGRATOR),
            name=installer.name,
            country=installer.country,
            entity_type="organization",
            org_unit=unit,
        )
        registered += 1
    return registered
