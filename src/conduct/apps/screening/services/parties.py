"""Stored parties: register or update a party (owned by a reference such as "supplier:12"), screened at
once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize, unit_in_scope
from conduct.apps.accounts.selectors import orgunit_get
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, NotFound, raise_if
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.models import PartyKind, ScreenedParty
from conduct.apps.screening.services.matches import party_screen
from conduct.apps.screening.values import clean_birth_date, clean_country, clean_entity_type, clean_name
from conduct.db.bounds import MAX_DB_ID

MAX_ALIASES = 50


def party_fingerprint(
    name: str, aliases: Sequence[str], entity_type: str, country: str, birth_date: str
) -> str:
    data = [name, sorted(aliases), entity_type, country, birth_date]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _clean_aliases(values: Iterable[str] | None, name: str, errors: dict[str, str]) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(";")
    out: list[str] = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            errors[f"aliases[{i}]"] = _("Expected a string.")
            continue
        text = " ".join(value.split())
        if not text:
            continue
        if len(text) > 300:
            errors[f"aliases[{i}]"] = _("At most 300 characters.")
        elif text.casefold() != name.casefold() and text.casefold() not in {a.casefold() for a in out}:
            out.append(text)
    if len(out) > MAX_ALIASES:
        errors["aliases"] = _("At most %(max_aliases)s aliases.") % {"max_aliases": MAX_ALIASES}
    return out


@dataclass(frozen=True)
class PartyDetails:
    """A party's screened details, checked."""

    reference: str
    kind: str
    name: str
    aliases: list[str]
    entity_type: str
    country: str
    birth_date: str

    @property
    def fingerprint(self) -> str:
        return party_fingerprint(self.name, self.aliases, self.entity_type, self.country, self.birth_date)


def _clean_party(
    *,
    reference: str,
    kind: str,
    name: str,
    aliases: Iterable[str] | None,
    country: str | None,
    entity_type: str | None,
    birth_date: str | None,
    errors: dict[str, str],
) -> PartyDetails:
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = _("Required, e.g. supplier:12 or customer:CRM-881.")
    elif len(reference) > 200:
        errors["reference"] = _("At most 200 characters.")
    if kind not in PartyKind.values:
        errors["kind"] = _("Expected one of %(values)s.") % {"values": ", ".join(PartyKind.values)}
    name = clean_name(name, errors)
    return PartyDetails(
        reference=reference,
        kind=kind,
        name=name,
        aliases=_clean_aliases(aliases, name, errors),
        entity_type=clean_entity_type(entity_type, errors),
        country=clean_country(country, errors),
        birth_date=clean_birth_date(birth_date, errors),
    )


def _owning_unit(actor: Actor, org_unit: OrgUnit | str | None, errors: dict[str, str]) -> OrgUnit | None:
    """The unit named (an OrgUnit, or a code or id the actor can see), or the actor's home unit."""
    if isinstance(org_unit, OrgUnit):
        return org_unit
    if org_unit is None:
        home = actor.home_unit if isinstance(actor, User) else None
        if home is None:
            errors["org_unit"] = _("Required: the org unit that owns the party.")
        return home
    if not org_unit.strip():
        errors["org_unit"] = _("Name the org unit that owns the party, or leave the field out.")
        return None
    try:
        if org_unit.isdigit() and int(org_unit) > MAX_DB_ID:
            raise NotFound(org_unit)  # no such id (a larger number would overflow the database's integer)
        return orgunit_get(actor=actor, unit_id=org_unit) if isinstance(actor, User) else _unit_by(org_unit)
    except NotFound:
        errors["org_unit"] = _("No org unit %(org_unit)s you can see.") % {"org_unit": repr(org_unit)}
        return None


def _unit_by(code_or_id: str) -> OrgUnit:
    query = Q(code=code_or_id) | (Q(pk=int(code_or_id)) if code_or_id.isdigit() else Q())
    found = OrgUnit.objects.filter(query).first()
    if found is None:
        raise NotFound(_("No org unit %(code_or_id)s.") % {"code_or_id": repr(code_or_id)})
    return found


@transaction.atomic
def party_register(
    *,
    actor: Actor,
    reference: str,
    kind: str,
    name: str,
    org_unit: OrgUnit | str | None,
    aliases: Iterable[str] | None = None,
    country: str | None = "",
    entity_type: str | None = "",
    birth_date: str | None = "",
    screen: bool = True,
) -> tuple[ScreenedParty, bool]:
    """Register or update the party owned by `reference` ("supplier:12") and screen it against every current
    list at once; returns the party and whether it is new. `org_unit` is an OrgUnit, a unit code or id the
    actor can see, or None (the actor's home unit). screen=False leaves the screening to the next
    delta-screening task (the demo does, so that `demo load` stays quick)."""
    authorize(actor, "screening.parties")
    errors: dict[str, str] = {}
    details = _clean_party(
        reference=reference,
        kind=kind,
        name=name,
        aliases=aliases,
        country=country,
        entity_type=entity_type,
        birth_date=birth_date,
        errors=errors,
    )
    unit = _owning_unit(actor, org_unit, errors)
    raise_if(errors, _("The party is not valid."))
    assert unit is not None
    authorize(actor, "screening.parties", unit=unit)
    party = ScreenedParty.objects.select_for_update().filter(reference=details.reference).first()
    created = party is None
    if party is None:
        party = _party_create(actor, details, unit)
    else:
        if isinstance(actor, User) and not unit_in_scope(actor, party.org_unit):
            # The reference is taken in a unit the actor cannot see: say so without naming that unit.
            raise Forbidden(
                _("This reference belongs to a party outside the org units you are scoped to."),
                code="out_of_scope",
                fields={"reference": _("Used by a party you cannot see; choose another reference.")},
            )
        if not _party_update(actor, party, details, unit) and party.last_screened_at is not None:
            return party, False  # nothing that screening reads has changed
    if screen:
        party_screen(actor=actor, party=party)
    return party, created


def party_upsert(
    *,
    actor: Actor,
    reference: str,
    kind: str,
    name: str,
    org_unit: OrgUnit | str | None,
    aliases: Iterable[str] | None = None,
    country: str | None = "",
    entity_type: str | None = "",
    birth_date: str | None = "",
    screen: bool = True,
) -> ScreenedParty:
    """`party_register`, returning only the party."""
    party, _ = party_register(
        actor=actor,
        reference=reference,
        kind=kind,
        name=name,
        org_unit=org_unit,
        aliases=aliases,
        country=country,
        entity_type=entity_type,
        birth_date=birth_date,
        screen=screen,
    )
    return party


def _party_create(actor: Actor, details: PartyDetails, unit: OrgUnit) -> ScreenedParty:
    now = timezone.now()
    try:
        with transaction.atomic():
            party = ScreenedParty.objects.create(
                reference=details.reference,
                kind=details.kind,
                name=details.name,
                aliases=details.aliases,
                entity_type=details.entity_type,
                country=details.country,
                birth_date=details.birth_date,
                org_unit=unit,
                fingerprint=details.fingerprint,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise Conflict(
            _("%(reference)s was registered at the same moment by another request; send it again.")
            % {"reference": details.reference},
            fields={"reference": _("Registered concurrently.")},
        ) from None
    ledger_append(
        actor=actor,
        action=LedgerAction.PARTY_CREATE,
        object_type="screened_party",
        object_id=party.pk,
        summary={
            "reference": details.reference,
            "kind": details.kind,
            "name": details.name,
            "aliases": details.aliases,
            "country": details.country,
            "org_unit": unit.code,
        },
    )
    return party


def _party_update(actor: Actor, party: ScreenedParty, details: PartyDetails, unit: OrgUnit) -> bool:
    """Bring a stored party up to date; whether anything changed."""
    changes: dict[str, list[Any]] = {}
    for attr, value in (
        ("kind", details.kind),
        ("name", details.name),
        ("aliases", details.aliases),
        ("entity_type", details.entity_type),
        ("country", details.country),
        ("birth_date", details.birth_date),
        ("org_unit", unit),
    ):
        old = getattr(party, attr)
        if old != value:
            changes[attr] = [getattr(old, "code", old), getattr(value, "code", value)]
            setattr(party, attr, value)
    if not changes:
        return False
    party.fingerprint = details.fingerprint
    party.updated_at = timezone.now()
    party.save()
    ledger_append(
        actor=actor,
        action=LedgerAction.PARTY_UPDATE,
        object_type="screened_party",
        object_id=party.pk,
        summary={"reference": details.reference, "changes": changes},
    )
    return True
