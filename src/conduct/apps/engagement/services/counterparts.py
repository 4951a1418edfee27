"""Writes to counterparts: the regulators, investigators, partners, NGOs and media the company deals with."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.engagement.models import Counterpart, CounterpartKind
from conduct.apps.engagement.services._common import EngagementAction, clean_choice, clean_text
from conduct.apps.errors import Conflict, raise_if
from conduct.core.countries import is_country_code

_FIELDS = ("kind", "name", "country", "contact", "notes")


def _clean(fields: dict[str, Any], errors: dict[str, str], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating or "kind" in fields:
        out["kind"] = clean_choice(fields.get("kind"), "kind", errors, list(CounterpartKind.values))
    if creating or "name" in fields:
        out["name"] = clean_text(fields.get("name"), "name", errors, limit=300, one_line=True)
    if creating or "country" in fields:
        country = str(fields.get("country") or "").strip().upper()
        if not is_country_code(country):
            errors["country"] = _("An ISO 3166-1 alpha-2 country code, such as DE.")
        out["country"] = country
    if creating or "contact" in fields:
        out["contact"] = clean_text(fields.get("contact"), "contact", errors, limit=300, required=False)
    if creating or "notes" in fields:
        out["notes"] = clean_text(fields.get("notes"), "notes", errors, limit=10_000, required=False)
    return out


@transaction.atomic
def counterpart_create(*, actor: Actor, **fields: Any) -> Counterpart:
    """kind, name, country (required); contact, notes."""
    authorize(actor, "engagement.write")
    errors: dict[str, str] = {}
    values = _clean(fields, errors, creating=True)
    raise_if(errors, _("The counterpart is not valid."))
    if Counterpart.objects.filter(kind=values["kind"], name=values["name"]).exists():
        raise Conflict(_("A counterpart of this kind with this name exists already."), code="duplicate")
    counterpart = Counterpart.objects.create(**values)
    ledger_append(
        actor=actor,
        action=EngagementAction.COUNTERPART_CREATE,
        object_type="counterpart",
        object_id=counterpart.pk,
        summary={"kind": counterpart.kind, "name": counterpart.name, "country": counterpart.country},
    )
    return counterpart


@transaction.atomic
def counterpart_update(*, actor: Actor, counterpart: Counterpart, **fields: Any) -> Counterpart:
    authorize(actor, "engagement.write")
    errors: dict[str, str] = {}
    values = _clean({k: v for k, v in fields.items() if k in _FIELDS}, errors, creating=False)
    raise_if(errors, _("The counterpart is not valid."))
    changed = {k: v for k, v in values.items() if getattr(counterpart, k) != v}
    if not changed:
        return counterpart
    kind, name = changed.get("kind", counterpart.kind), changed.get("name", counterpart.name)
    if Counterpart.objects.filter(kind=kind, name=name).exclude(pk=counterpart.pk).exists():
        raise Conflict(_("A counterpart of this kind with this name exists already."), code="duplicate")
    for key, value in changed.items():
        setattr(counterpart, key, value)
    counterpart.save(update_fields=list(changed))
    ledger_append(
        actor=actor,
        action=EngagementAction.COUNTERPART_UPDATE,
        object_type="counterpart",
        object_id=counterpart.pk,
        summary={"changed": sorted(changed)},
    )
    return counterpart
