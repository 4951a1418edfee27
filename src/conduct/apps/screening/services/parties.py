"""Stored parties and their screening: register or update a party (screened at once), and turn matches into
alerts - remembering dismissals per (party, list, entry) until the entry or the party changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import require_unit
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Conflict, raise_if
from conduct.apps.screening import indexes
from conduct.apps.screening.indexes import CurrentList, ListedMatch
from conduct.apps.screening.models import (
    Alert,
    AlertReview,
    AlertStatus,
    PartyKind,
    ReviewAction,
    ScreenedParty,
)
from conduct.apps.screening.serialize import entry_summary, explanation_dict
from conduct.apps.screening.services._common import (
    check,
    clean_birth_date,
    clean_country,
    clean_entity_type,
    clean_name,
    ledger_actor,
    user_or_none,
)
from conduct.core.screening import Query

MATCHES_PER_NAME = 10  # best matches kept per screened name (each at or above the alert threshold)
MAX_ALIASES = 50


def party_fingerprint(
    name: str, aliases: Sequence[str], entity_type: str, country: str, birth_date: str
) -> str:
    data = [name, sorted(aliases), entity_type, country, birth_date]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


@dataclass
class ScreeningOutcome:
    """What screening one party changed in its alerts."""

    opened: list[Alert] = field(default_factory=list)
    reopened: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    closed: list[Alert] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "opened": len(self.opened),
            "reopened": len(self.reopened),
            "updated": len(self.updated),
            "closed": len(self.closed),
        }

    def add(self, other: ScreeningOutcome) -> None:
        self.opened += other.opened
        self.reopened += other.reopened
        self.updated += other.updated
        self.closed += other.closed


def _clean_aliases(values: Iterable[str] | None, name: str, errors: dict[str, str]) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(";")
    out: list[str] = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            errors[f"aliases[{i}]"] = "Expected a string."
            continue
        text = " ".join(value.split())
        if not text:
            continue
        if len(text) > 300:
            errors[f"aliases[{i}]"] = "At most 300 characters."
        elif text.casefold() != name.casefold() and text.casefold() not in {a.casefold() for a in out}:
            out.append(text)
    if len(out) > MAX_ALIASES:
        errors["aliases"] = f"At most {MAX_ALIASES} aliases."
    return out


@transaction.atomic
def party_upsert(
    *,
    actor: Any,
    reference: str,
    kind: str,
    name: str,
    org_unit: OrgUnit,
    aliases: Iterable[str] | None = None,
    country: str | None = "",
    entity_type: str | None = "",
    birth_date: str | None = "",
    screen: bool = True,
) -> ScreenedParty:
    """Register or update the party owned by `reference` ("supplier:12") and screen it against every current
    list at once. Callers that checked their own permission may pass actor=None (the system). screen=False
    leaves the screening to the next delta-screening task (the demo does, so that `demo load` stays quick)."""
    check(actor, "screening.parties")
    errors: dict[str, str] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = "Required, e.g. supplier:12 or customer:CRM-881."
    elif len(reference) > 200:
        errors["reference"] = "At most 200 characters."
    if kind not in PartyKind.values:
        errors["kind"] = f"Expected one of {', '.join(PartyKind.values)}."
    name = clean_name(name, errors)
    alias_list = _clean_aliases(aliases, name, errors)
    entity = clean_entity_type(entity_type, errors)
    code = clean_country(country, errors)
    born = clean_birth_date(birth_date, errors)
    if not isinstance(org_unit, OrgUnit):
        errors["org_unit"] = "Required: the org unit that owns the party."
    raise_if(errors, "The party is not valid.")
    if isinstance(actor, User):
        require_unit(actor, "screening.parties", org_unit)
    fingerprint = party_fingerprint(name, alias_list, entity, code, born)
    party = ScreenedParty.objects.select_for_update().filter(reference=reference).first()
    now = timezone.now()
    if party is None:
        try:
            with transaction.atomic():
                party = ScreenedParty.objects.create(
                    reference=reference,
                    kind=kind,
                    name=name,
                    aliases=alias_list,
                    entity_type=entity,
                    country=code,
                    birth_date=born,
                    org_unit=org_unit,
                    fingerprint=fingerprint,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(
                f"{reference} was registered at the same moment by another request; send it again.",
                fields={"reference": "Registered concurrently."},
            ) from None
        ledger_append(
            actor=ledger_actor(actor),
            action="screening.party_create",
            object_type="screened_party",
            object_id=party.pk,
            summary={
                "reference": reference,
                "kind": kind,
                "name": name,
                "aliases": alias_list,
                "country": code,
                "org_unit": org_unit.code,
            },
        )
    else:
        if isinstance(actor, User):
            require_unit(actor, "screening.parties", party.org_unit)
        changes: dict[str, list[Any]] = {}
        for attr, value in (
            ("kind", kind),
            ("name", name),
            ("aliases", alias_list),
            ("entity_type", entity),
            ("country", code),
            ("birth_date", born),
            ("org_unit", org_unit),
        ):
            old = getattr(party, attr)
            if old != value:
                changes[attr] = [getattr(old, "code", old), getattr(value, "code", value)]
                setattr(party, attr, value)
        if changes:
            party.fingerprint = fingerprint
            party.updated_at = now
            party.save()
            ledger_append(
                actor=ledger_actor(actor),
                action="screening.party_update",
                object_type="screened_party",
                object_id=party.pk,
                summary={"reference": reference, "changes": changes},
            )
        elif party.last_screened_at is not None:
            return party  # nothing that screening reads has changed
    if screen:
        party_screen(actor=actor, party=party)
    return party


def screen_names(
    party: ScreenedParty, lists: Sequence[CurrentList]
) -> dict[tuple[str, str], tuple[str, ListedMatch]]:
    """The best match per (list, entry) over the party's name and aliases: {key: (name screened, match)}."""
    best: dict[tuple[str, str], tuple[str, ListedMatch]] = {}
    if not lists:
        return best
    for name in party.names:
        query = Query(
            name,
            entity_type=party.entity_type or None,
            country=party.country or None,
            birth_date=party.birth_date or None,
        )
        for found in indexes.search(lists, query, limit=MATCHES_PER_NAME):
            key = (found.match.list_id, found.match.source_id)
            held = best.get(key)
            if held is None or found.match.score > held[1].match.score:
                best[key] = (name, found)
    return best


@transaction.atomic
def party_screen(
    *, actor: Any, party: ScreenedParty, lists: Sequence[CurrentList] | None = None
) -> ScreeningOutcome:
    """Screen one stored party against every current list (or those given) and record what it finds."""
    lists = indexes.current_lists() if lists is None else lists
    found = screen_names(party, lists)
    outcome = record_matches(
        actor=actor, party=party, found=found, list_ids=[c.version.watch_list_id for c in lists]
    )
    ScreenedParty.objects.filter(pk=party.pk).update(last_screened_at=timezone.now())
    party.last_screened_at = timezone.now()
    return outcome


def history_add(alert: Alert, action: str, before: str, actor: Any, reason: str = "") -> None:
    AlertReview.objects.create(
        alert=alert,
        action=action,
        from_status=before,
        to_status=alert.status,
        reason=reason,
        actor=user_or_none(actor),
        actor_label=actor_label(ledger_actor(actor)),
        entry_version=alert.entry_version,
        entry_hash=alert.entry_hash,
        score=alert.score,
    )


def ledger_alert(alert: Alert, action: str, actor: Any, **extra: Any) -> None:
    ledger_append(
        actor=ledger_actor(actor),
        action=f"screening.alert_{action}",
        object_type="screening_alert",
        object_id=alert.pk,
        summary={
            "party": alert.party.reference,
            "list": alert.watch_list.name,
            "entry": alert.source_id,
            "version": alert.entry_version.number,
            "entry_hash": alert.entry_hash,
            "score": round(alert.score, 4),
            "strength": alert.strength,
            "status": alert.status,
            **extra,
        },
    )


def _fill(alert: Alert, party: ScreenedParty, screened_name: str, found: ListedMatch) -> None:
    match = found.match
    alert.entry_version = found.version
    alert.entry_hash = match.entry.extra.get("content_hash", "")
    alert.entry = {
        "source_id": match.source_id,
        "primary_name": match.entry_name,
        **entry_summary(match.entry),
    }
    alert.list_kind = match.list_kind
    alert.entry_name = match.entry_name[:500]
    alert.party_name = screened_name[:300]
    alert.party_fingerprint = party.fingerprint
    alert.matched_name = match.matched_name[:500]
    alert.matched_name_kind = match.matched_name_kind
    alert.score = float(match.score)
    alert.strength = match.strength if match.strength in ("strong", "potential") else "potential"
    alert.explanation = explanation_dict(match.explanation)
    alert.updated_at = timezone.now()


def record_matches(
    *,
    actor: Any,
    party: ScreenedParty,
    found: dict[tuple[str, str], tuple[str, ListedMatch]],
    list_ids: Sequence[int],
    source_ids: set[tuple[str, str]] | None = None,
    closing_reason: str = "no longer matches",
) -> ScreeningOutcome:
    """Turn one party's matches into alerts.

    New match: an open alert. Open: refreshed. Dismissed: stays dismissed while the entry and the party are as
    they were at the review, reopened otherwise. Confirmed: stays confirmed (refreshed, noted if the entry
    changed). Closed: reopened. Open alerts on the screened lists (only the `source_ids` given, in a delta)
    that no longer match are closed.
    """
    outcome = ScreeningOutcome()
    existing = {
        (a.watch_list.name, a.source_id): a
        for a in Alert.objects.select_for_update(of=("self",))
        .filter(party=party, watch_list_id__in=list(list_ids))
        .select_related("watch_list", "entry_version")
    }
    for key, (screened_name, listed) in sorted(found.items()):
        alert = existing.get(key)
        if alert is None:
            alert = Alert(
                party=party,
                watch_list=listed.version.watch_list,
                source_id=listed.match.source_id,
                status=AlertStatus.OPEN,
                created_at=timezone.now(),
            )
            _fill(alert, party, screened_name, listed)
            alert.save()
            history_add(
                alert, ReviewAction.OPENED, "", actor, f"{alert.strength} match, score {alert.score:.2f}"
            )
            ledger_alert(alert, "open", actor)
            outcome.opened.append(alert)
            continue
        before = (alert.status, alert.entry_hash, round(alert.score, 4), alert.strength)
        _fill(alert, party, screened_name, listed)
        after = (alert.status, alert.entry_hash, round(alert.score, 4), alert.strength)
        if alert.status == AlertStatus.DISMISSED:
            entry_changed = alert.entry_hash != alert.reviewed_entry_hash
            party_changed = party.fingerprint != alert.reviewed_party_fingerprint
            if not (entry_changed or party_changed):
                continue  # remembered: the same entry, the same party
            why = (
                f"entry changed in {alert.watch_list.name} version {alert.entry_version.number}"
                if entry_changed
                else "the party's screened details changed"
            )
            alert.status = AlertStatus.OPEN
            alert.save()
            history_add(
                alert, ReviewAction.REOPENED, AlertStatus.DISMISSED, actor, f"Dismissal reopened: {why}."
            )
            ledger_alert(alert, "reopen", actor, reason=why)
            outcome.reopened.append(alert)
        elif alert.status == AlertStatus.CLOSED:
            alert.status = AlertStatus.OPEN
            alert.save()
            history_add(alert, ReviewAction.REOPENED, AlertStatus.CLOSED, actor, "Matches again.")
            ledger_alert(alert, "reopen", actor, reason="matches again")
            outcome.reopened.append(alert)
        elif before != after:
            alert.save()
            note = ""
            if before[1] != after[1]:
                note = f"Entry changed in {alert.watch_list.name} version {alert.entry_version.number}."
                if alert.status == AlertStatus.CONFIRMED:
                    note += " The confirmation stands."
            history_add(
                alert, ReviewAction.UPDATED, alert.status, actor, note or f"Score now {alert.score:.2f}."
            )
            ledger_alert(alert, "update", actor)
            outcome.updated.append(alert)
    for key, alert in existing.items():
        if key in found or alert.status != AlertStatus.OPEN:
            continue
        if source_ids is not None and key not in source_ids:
            continue
        close_alert(alert, actor=actor, reason=closing_reason)
        outcome.closed.append(alert)
    return outcome


def close_alert(alert: Alert, *, actor: Any, reason: str) -> None:
    before = alert.status
    alert.status = AlertStatus.CLOSED
    alert.reason = reason
    alert.updated_at = timezone.now()
    alert.save(update_fields=["status", "reason", "updated_at"])
    history_add(alert, ReviewAction.CLOSED, before, actor, reason[:1].upper() + reason[1:] + ".")
    ledger_alert(alert, "close", actor, reason=reason)
