"""Turning matches into alerts: screen a stored party's names, open, refresh, reopen and close its alerts -
remembering dismissals per (party, list, entry) until the entry or the party changes - and write each
change's history row and ledger entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.screening import indexes
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.indexes import CurrentList, ListedMatch
from conduct.apps.screening.models import Alert, AlertReview, AlertStatus, ReviewAction, ScreenedParty
from conduct.apps.screening.serialize import entry_summary, explanation_dict
from conduct.apps.screening.services._common import user_or_none
from conduct.core.screening import Query

MATCHES_PER_NAME = 10  # best matches kept per screened name (each at or above the alert threshold)


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
    *, actor: Actor, party: ScreenedParty, lists: Sequence[CurrentList] | None = None
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


def parties_screen(*, actor: Actor, parties: Sequence[ScreenedParty]) -> ScreeningOutcome:
    """Screen many stored parties against one reading of the current lists (imports use it)."""
    outcome = ScreeningOutcome()
    if not parties:
        return outcome
    lists = indexes.current_lists()
    for party in parties:
        outcome.add(party_screen(actor=actor, party=party, lists=lists))
    return outcome


def history_add(alert: Alert, action: str, before: str, actor: Actor, reason: str = "") -> None:
    AlertReview.objects.create(
        alert=alert,
        action=action,
        from_status=before,
        to_status=alert.status,
        reason=reason,
        actor=user_or_none(actor),
        actor_label=actor_label(actor),
        entry_version=alert.entry_version,
        entry_hash=alert.entry_hash,
        score=alert.score,
    )


def ledger_alert(alert: Alert, action: LedgerAction, actor: Actor, **extra: Any) -> None:
    ledger_append(
        actor=actor,
        action=action,
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
    actor: Actor,
    party: ScreenedParty,
    found: dict[tuple[str, str], tuple[str, ListedMatch]],
    list_ids: Sequence[int],
    source_ids: set[tuple[str, str]] | None = None,
    closing_reason: str = "no longer matches",
    existing: dict[tuple[str, str], Alert] | None = None,
) -> ScreeningOutcome:
    """Turn one party's matches into alerts.

    New match: an open alert. Open: refreshed. Dismissed: stays dismissed while the entry and the party are as
    they were at the review, reopened otherwise. Confirmed: stays confirmed (refreshed, noted if the entry
    changed). Closed: reopened. Open alerts on the screened lists (only the `source_ids` given, in a delta)
    that no longer match are closed. `existing`: the party's alerts on those lists, locked, keyed by (list
    name, source id), where the caller has read them already (a delta chunk reads its parties' at once).
    """
    outcome = ScreeningOutcome()
    if existing is None:
        existing = {
            (a.watch_list.name, a.source_id): a
            for a in Alert.objects.select_for_update(of=("self",))
            .filter(party=party, watch_list_id__in=list(list_ids))
            .select_related("watch_list", "entry_version")
        }
    for key, (screened_name, listed) in sorted(found.items()):
        alert = existing.get(key)
        if alert is None:
            outcome.opened.append(_alert_open(actor, party, screened_name, listed))
        else:
            _alert_refresh(actor, alert, party, screened_name, listed, outcome)
    for key, alert in existing.items():
        if key in found or alert.status != AlertStatus.OPEN:
            continue
        if source_ids is not None and key not in source_ids:
            continue
        close_alert(alert, actor=actor, reason=closing_reason)
        outcome.closed.append(alert)
    return outcome


def _alert_open(actor: Actor, party: ScreenedParty, screened_name: str, listed: ListedMatch) -> Alert:
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
        alert, str(ReviewAction.OPENED), "", actor, f"{alert.strength} match, score {alert.score:.2f}"
    )
    ledger_alert(alert, LedgerAction.ALERT_OPEN, actor)
    return alert


def _alert_refresh(
    actor: Actor,
    alert: Alert,
    party: ScreenedParty,
    screened_name: str,
    listed: ListedMatch,
    outcome: ScreeningOutcome,
) -> None:
    """A match that already has an alert: refresh it, reopen it, or leave a standing dismissal alone."""
    before = (alert.status, alert.entry_hash, round(alert.score, 4), alert.strength)
    _fill(alert, party, screened_name, listed)
    after = (alert.status, alert.entry_hash, round(alert.score, 4), alert.strength)
    if alert.status == AlertStatus.DISMISSED:
        entry_changed = alert.entry_hash != alert.reviewed_entry_hash
        party_changed = party.fingerprint != alert.reviewed_party_fingerprint
        if not (entry_changed or party_changed):
            return  # remembered: the same entry, the same party
        why = (
            f"entry changed in {alert.watch_list.name} version {alert.entry_version.number}"
            if entry_changed
            else "the party's screened details changed"
        )
        alert.status = AlertStatus.OPEN
        alert.save()
        history_add(
            alert,
            str(ReviewAction.REOPENED),
            str(AlertStatus.DISMISSED),
            actor,
            f"Dismissal reopened: {why}.",
        )
        ledger_alert(alert, LedgerAction.ALERT_REOPEN, actor, reason=why)
        outcome.reopened.append(alert)
    elif alert.status == AlertStatus.CLOSED:
        alert.status = AlertStatus.OPEN
        alert.save()
        history_add(alert, str(ReviewAction.REOPENED), str(AlertStatus.CLOSED), actor, "Matches again.")
        ledger_alert(alert, LedgerAction.ALERT_REOPEN, actor, reason="matches again")
        outcome.reopened.append(alert)
    elif before != after:
        alert.save()
        note = ""
        if before[1] != after[1]:
            note = f"Entry changed in {alert.watch_list.name} version {alert.entry_version.number}."
            if alert.status == AlertStatus.CONFIRMED:
                note += " The confirmation stands."
        history_add(
            alert, str(ReviewAction.UPDATED), alert.status, actor, note or f"Score now {alert.score:.2f}."
        )
        ledger_alert(alert, LedgerAction.ALERT_UPDATE, actor)
        outcome.updated.append(alert)


def close_alert(alert: Alert, *, actor: Actor, reason: str) -> None:
    before = alert.status
    alert.status = AlertStatus.CLOSED
    alert.reason = reason
    alert.updated_at = timezone.now()
    alert.save(update_fields=["status", "reason", "updated_at"])
    history_add(alert, str(ReviewAction.CLOSED), before, actor, reason[:1].upper() + reason[1:] + ".")
    ledger_alert(alert, LedgerAction.ALERT_CLOSE, actor, reason=reason)
