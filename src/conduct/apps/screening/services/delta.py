"""Delta screening: after a list changes, screen the stored parties only against what changed.

The delta is taken between the version parties were last screened against (`WatchList.screened_version`) and
the current one, so it is right whatever order reload tasks run in and however many reloads came between:
added and changed entries go into a small index of their own, every stored party is screened against it, and
alerts on removed entries are closed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import SCHEDULER, Actor
from conduct.apps.audit.services import ledger_append
from conduct.apps.screening import indexes
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.indexes import CurrentList
from conduct.apps.screening.models import (
    Alert,
    AlertStatus,
    ScreenedParty,
    WatchList,
    WatchListEntry,
    WatchListVersion,
)
from conduct.apps.screening.services.matches import (
    ScreeningOutcome,
    close_alert,
    record_matches,
    screen_names,
)

log = logging.getLogger("conduct.screening")


@transaction.atomic
def delta_screen(*, watch_list_id: int, actor: Actor = SCHEDULER) -> dict[str, Any]:
    """Screen every stored party against the entries of `watch_list_id` that changed since it was last
    screened."""
    watch_list = WatchList.objects.select_for_update().filter(pk=watch_list_id).first()
    if watch_list is None:
        return {"skipped": "no such list"}
    current = watch_list.versions.filter(is_current=True).first()
    if current is None or current.pk == watch_list.screened_version_id:
        return {"skipped": "nothing new since the last screening", "list": watch_list.name}
    before: dict[str, str] = {}
    if watch_list.screened_version_id is not None:
        before = dict(
            WatchListEntry.objects.filter(version_id=watch_list.screened_version_id).values_list(
                "source_id", "content_hash"
            )
        )
    now_hashes = dict(current.entries.values_list("source_id", "content_hash"))
    changed = {sid for sid, digest in now_hashes.items() if before.get(sid) != digest}
    removed = set(before) - set(now_hashes)
    outcome = ScreeningOutcome()
    parties = _screen_changed(actor, watch_list, current, changed, len(now_hashes), outcome) if changed else 0
    if removed:
        _close_removed(actor, watch_list, current, removed, outcome)
    WatchList.objects.filter(pk=watch_list.pk).update(screened_version=current)
    summary = {
        "list": watch_list.name,
        "version": current.number,
        "entries_screened": len(changed),
        "entries_removed": len(removed),
        "parties": parties,
        **outcome.counts(),
        "at": timezone.now().isoformat(),
    }
    ledger_append(
        actor=actor,
        action=LedgerAction.DELTA_SCREEN,
        object_type="watch_list_version",
        object_id=current.pk,
        summary=summary,
    )
    log.info("delta screening", extra=summary)
    return summary


def _screen_changed(
    actor: Actor,
    watch_list: WatchList,
    current: WatchListVersion,
    changed: set[str],
    entries: int,
    outcome: ScreeningOutcome,
) -> int:
    """Screen every stored party against the added and changed entries; how many parties were screened."""
    if len(changed) == entries:
        index = indexes.version_index(current)  # everything is new: the version's own (cached) index
    else:
        index = indexes.build_index(
            watch_list.name, current.entries.filter(source_id__in=changed).order_by("id")
        )
    delta = [CurrentList(current, index)]
    scope = {(watch_list.name, sid) for sid in changed}
    reason = f"entry changed in {watch_list.name} version {current.number} and no longer matches"
    parties = 0
    for party in ScreenedParty.objects.order_by("id").iterator(chunk_size=500):
        parties += 1
        found = screen_names(party, delta)
        outcome.add(
            record_matches(
                actor=actor,
                party=party,
                found=found,
                list_ids=[watch_list.pk],
                source_ids=scope,
                closing_reason=reason,
            )
        )
    ScreenedParty.objects.update(last_screened_at=timezone.now())
    return parties


def _close_removed(
    actor: Actor,
    watch_list: WatchList,
    current: WatchListVersion,
    removed: set[str],
    outcome: ScreeningOutcome,
) -> None:
    gone = (
        Alert.objects.select_for_update(of=("self",))
        .filter(watch_list=watch_list, source_id__in=removed)
        .exclude(status=AlertStatus.CLOSED)
        .select_related("party", "watch_list", "entry_version")
    )
    for alert in gone:
        close_alert(
            alert, actor=actor, reason=f"entry removed from {watch_list.name} in version {current.number}"
        )
        outcome.closed.append(alert)
