"""The demo's screening (data/demo/organisation.yaml, `screening:`), loaded by `conduct demo load`.

Idempotent: a list that already has a version in force is left alone, and so is a party with the same details.
The demo suppliers are registered as parties too ("supplier:<id>"). Parties are not screened here: loading the
lists queues delta-screening tasks that screen every stored party once this transaction commits (in `make run`
the worker does it in the background, so `demo load` stays quick; the tests run it in-process).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from conduct.apps.accounts.actors import DEMO
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.screening.models import ScreenedParty, WatchListVersion
from conduct.apps.screening.services import list_load, party_upsert
from conduct.apps.suppliers.models import Supplier
from conduct.datafiles import data_path


@transaction.atomic
def load_demo_screening(spec: dict[str, Any] | None) -> int:
    if not spec:
        return 0
    created = 0
    loaded = 0
    for item in spec.get("lists", []):
        if WatchListVersion.objects.filter(watch_list__name=item["name"], is_current=True).exists():
            continue
        list_load(
            actor=DEMO,
            path=data_path(*item["path"].split("/")),
            name=item["name"],
            kind=item.get("kind"),
            title=item.get("title"),
            source=item.get("source", ""),
        )
        created += 1
        loaded += 1
    parties = list(spec.get("parties", []))
    if spec.get("suppliers", True):
        for supplier in Supplier.objects.select_related("org_unit").order_by("id"):
            parties.append(
                {
                    "reference": f"supplier:{supplier.pk}",
                    "kind": "supplier",
                    "name": supplier.name,
                    "aliases": list(supplier.aliases or []),
                    "country": supplier.country,
                    "entity_type": "organization",
                    "unit": supplier.org_unit,
                }
            )
    for item in parties:
        unit = item["unit"] if isinstance(item["unit"], OrgUnit) else OrgUnit.objects.get(code=item["unit"])
        is_new = not ScreenedParty.objects.filter(reference=item["reference"]).exists()
        party_upsert(
            actor=DEMO,
            reference=item["reference"],
            kind=item["kind"],
            name=item["name"],
            aliases=item.get("aliases", []),
            country=item.get("country", ""),
            entity_type=item.get("entity_type", ""),
            birth_date=item.get("birth_date", ""),
            org_unit=unit,
            screen=not loaded,
        )  # a list loaded just now screens every party in its delta task
        created += is_new
    return created
