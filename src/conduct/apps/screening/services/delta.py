"""Delta screening: after a list changes, screen the stored parties only against what changed.

The delta is taken between the version parties were last screened against (`WatchList.screened_version`) and
the current one, so it is right whatever order reload tasks run in and however many reloads came between:
added and changed entries go into a small index of their own, and alerts on removed entries are closed. Every
stored party is screened against the entries added or changed in what a screening reads (names, type,
countries, dates of birth: `DeltaRun.matching`); an entry changed only in other data (programmes, remarks,
identifiers) cannot match a party it did not match before, so it is screened again only for the parties that
hold an alert on it (the alert then refers to the new version, or closes if it no longer matches) and for
those not screened since they were stored or changed.

A run (`DeltaRun`) is shared out in chunks of `DELTA_CHUNK` parties by id range. `delta_screen` opens the
run; with more than one chunk and `chunked=True` (the worker's task) it returns the chunks for the task to
queue, so several workers screen them side by side, each chunk in its own transaction; otherwise every chunk
runs here, in one transaction. The chunk that completes the run closes the alerts of removed entries, moves
the list's `screened_version` on and writes the run's ledger entry. One run per list at a time: a reload
during a run is screened when the run finishes (its task is queued again); a run with no chunk done for
`RUN_STALE` (its worker died) is abandoned and the next `delta_screen` starts again from the version last
screened.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from conduct.apps.accounts.actors import SCHEDULER, Actor
from conduct.apps.audit.services import ledger_append
from conduct.apps.screening import indexes
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.indexes import CurrentList
from conduct.apps.screening.models import (
    Alert,
    AlertStatus,
    DeltaRun,
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
from conduct.core.screening import NameIndex

log = logging.getLogger("conduct.screening")

DELTA_CHUNK = 2000  # parties per chunk: a job of seconds, that any worker takes
DATA_ONLY_CHUNKS = 25  # ... times this where no entry changed in what screening reads (holders are few)
RUN_STALE = timedelta(hours=1)  # a run with no chunk done for this long is abandoned (its worker died)
Chunk = tuple[int, int | None]  # (first party id, last party id or None: to the end)


@transaction.atomic
def delta_screen(*, watch_list_id: int, actor: Actor = SCHEDULER, chunked: bool = False) -> dict[str, Any]:
    """Screen every stored party against the entries of `watch_list_id` that changed since it was last
    screened. With `chunked` and more than one chunk of parties, the summary's "queue" holds the chunks for
    the caller to queue (`delta_chunk` each) after this transaction commits."""
    watch_list = WatchList.objects.select_for_update().filter(pk=watch_list_id).first()
    if watch_list is None:
        return {"skipped": "no such list"}
    current = watch_list.versions.filter(is_current=True).first()
    if current is None or current.pk == watch_list.screened_version_id:
        return {"skipped": "nothing new since the last screening", "list": watch_list.name}
    running = DeltaRun.objects.filter(watch_list=watch_list, finished_at__isnull=True).first()
    if running is not None:
        if running.updated_at > timezone.now() - RUN_STALE:
            return {"skipped": "a delta screening of this list is running", "list": watch_list.name}
        DeltaRun.objects.filter(pk=running.pk).update(abandoned=True, finished_at=timezone.now())
    before: dict[str, str] = {}
    if watch_list.screened_version_id is not None:
        before = dict(
            WatchListEntry.objects.filter(version_id=watch_list.screened_version_id).values_list(
                "source_id", "content_hash"
            )
        )
    now_hashes = dict(current.entries.values_list("source_id", "content_hash"))
    changed = {sid for sid, digest in now_hashes.items() if before.get(sid) != digest}
    full = len(changed) == len(now_hashes)
    matching = None if full else _matching(watch_list.screened_version_id, current, changed, before)
    # nothing changed in what screening reads: few parties to screen in each range, so larger ranges
    chunks = _chunks(DELTA_CHUNK * DATA_ONLY_CHUNKS if matching == [] else DELTA_CHUNK) if changed else []
    run = DeltaRun.objects.create(
        watch_list=watch_list,
        version=current,
        from_version_id=watch_list.screened_version_id,
        full=full,
        changed=[] if full else sorted(changed),
        matching=matching,
        removed=sorted(set(before) - set(now_hashes)),
        chunks=len(chunks),
    )
    if chunked and len(chunks) > 1:
        log.info(
            "delta screening queued", extra={"list": watch_list.name, "run": run.pk, "chunks": len(chunks)}
        )
        return {"list": watch_list.name, "version": current.number, "run": run.pk, "queue": chunks}
    if not chunks:
        return _finish(actor, run)
    summary: dict[str, Any] = {}
    for first, last in chunks:
        summary = delta_chunk(run_id=run.pk, first=first, last=last, actor=actor)
    return summary


MATCH_FIELDS = ("names", "entity_type", "countries", "birth_dates")  # what a screening reads of an entry
_IN_BATCH = 1000  # source ids per IN (...) list


def _matching(
    before_id: int | None, current: WatchListVersion, changed: set[str], before: dict[str, str]
) -> list[str]:
    """Of the changed entries, those added or changed in what a screening reads (MATCH_FIELDS), in the current
    version or in any version between (a party registered meanwhile was screened against that one)."""
    if before_id is None:
        return sorted(changed)
    older = [sid for sid in sorted(changed) if sid in before]
    was = _match_keys(before_id, older)
    first = WatchListVersion.objects.get(pk=before_id).number
    between = current.watch_list.versions.filter(number__gt=first, number__lte=current.number)
    moved = {sid for sid in changed if sid not in before}
    for version_id in between.values_list("pk", flat=True):
        now = _match_keys(version_id, older)
        moved.update(sid for sid in older if was.get(sid) != now.get(sid))
    return sorted(moved)


def _match_keys(version_id: int, source_ids: list[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for start in range(0, len(source_ids), _IN_BATCH):
        rows = WatchListEntry.objects.filter(
            version_id=version_id, source_id__in=source_ids[start : start + _IN_BATCH]
        ).values_list("source_id", *MATCH_FIELDS)
        keys.update((sid, json.dumps(rest, sort_keys=True)) for sid, *rest in rows)
    return keys


def _chunks(size: int) -> list[Chunk]:
    """The stored parties in id ranges of `size`; the last one open-ended (parties added meanwhile)."""
    ids = list(ScreenedParty.objects.order_by("id").values_list("id", flat=True))
    firsts = ids[::size]
    return [(first, firsts[n + 1] - 1 if n + 1 < len(firsts) else None) for n, first in enumerate(firsts)]


@transaction.atomic
def delta_chunk(*, run_id: int, first: int, last: int | None, actor: Actor = SCHEDULER) -> dict[str, Any]:
    """Screen the stored parties with ids from `first` to `last` against a run's changes and record what they
    match; the chunk that completes the run finishes it (its summary has "finished": True)."""
    run = DeltaRun.objects.select_related("watch_list", "version").filter(pk=run_id).first()
    if run is None or run.finished_at is not None or first in run.done:
        return {"skipped": "no such run, or finished, or this chunk is done", "run": run_id}
    outcome, parties = _screen_range(actor, run, first, last)
    locked = DeltaRun.objects.select_for_update().get(pk=run_id)
    if locked.finished_at is not None or first in locked.done:  # a copy of this job ran meanwhile
        transaction.set_rollback(True)
        return {"skipped": "this chunk was screened meanwhile", "run": run_id}
    locked.done = [*locked.done, first]
    locked.parties += parties
    locked.counts = {k: locked.counts.get(k, 0) + v for k, v in outcome.counts().items()}
    locked.updated_at = timezone.now()
    locked.save(update_fields=["done", "parties", "counts", "updated_at"])
    if len(locked.done) < locked.chunks:
        return {"run": run_id, "chunk": first, "parties": parties, **outcome.counts()}
    locked.watch_list, locked.version = run.watch_list, run.version
    return _finish(actor, locked)


_RUN: dict[str, tuple[NameIndex, set[tuple[str, str]]]] = {}  # the last run's, per process (many chunks)


def _run_index(run: DeltaRun, matching: bool = False) -> tuple[NameIndex, set[tuple[str, str]]]:
    """The index a run's parties are screened against, and the (list, source id) of the entries it holds:
    the alerts a chunk may refresh or close. `matching`: of the entries changed in what screening reads only
    (DeltaRun.matching)."""
    ids = run.matching_ids if matching else run.changed
    # keyed by what it is built from (the version's file and the changed ids), not by the run's id alone
    key = hashlib.sha256("\x1f".join([indexes.index_key(run.version), *ids]).encode()).hexdigest()
    found = _RUN.get(key)
    if found is None:
        name = run.watch_list.name
        if run.full:  # everything is new: the version's own (cached) index
            sids = run.version.entries.values_list("source_id", flat=True)
            found = (indexes.version_index(run.version), {(name, sid) for sid in sids})
        else:
            rows = run.version.entries.filter(source_id__in=ids).order_by("id")
            found = (indexes.build_index(name, rows), {(name, sid) for sid in ids})
        if len(_RUN) >= 2:  # a run's two indexes (all changed, changed in what screening reads)
            _RUN.clear()
        _RUN[key] = found
    return found


def _screen_range(actor: Actor, run: DeltaRun, first: int, last: int | None) -> tuple[ScreeningOutcome, int]:
    """Screen one chunk of parties against the run's index; only parties that match or hold an open alert
    on a changed entry are written to. A party holding an alert on a changed entry, or not screened since it
    was stored or changed, is screened against every changed entry; the others against those changed in what
    screening reads (none: not screened)."""
    watch_list, current = run.watch_list, run.version
    index, scope = _run_index(run)
    every = [CurrentList(current, index)]
    matching = every
    if run.matching is not None:
        matching = [CurrentList(current, _run_index(run, matching=True)[0])] if run.matching else []
    reason = f"entry changed in {watch_list.name} version {current.number} and no longer matches"
    held = _held_alerts(watch_list.pk, first, last)
    parties = ScreenedParty.objects.filter(id__gte=first).order_by("id")
    if last is not None:
        parties = parties.filter(id__lte=last)
    screened = parties
    if run.matching == []:  # nothing changed in what screening reads: the holders and the unscreened only
        holders = [pk for pk, keys in held.items() if not scope.isdisjoint(keys)]
        screened = parties.filter(Q(id__in=holders) | UNSCREENED)
    outcome = ScreeningOutcome()
    done: list[int] = []
    for party in screened.iterator(chunk_size=500):
        done.append(party.pk)
        existing = held.get(party.pk, {})
        again = not scope.isdisjoint(existing) or _unscreened(party)
        found = screen_names(party, every if again else matching)
        if not found and not any(
            a.status == AlertStatus.OPEN and key in scope for key, a in existing.items()
        ):
            continue  # nothing to open, refresh or close
        outcome.add(
            record_matches(
                actor=actor,
                party=party,
                found=found,
                list_ids=[watch_list.pk],
                source_ids=scope,
                closing_reason=reason,
                existing=existing,
            )
        )
    # the parties screened, not those left alone nor any stored meanwhile
    for start in range(0, len(done), _IN_BATCH):
        ScreenedParty.objects.filter(id__in=done[start : start + _IN_BATCH]).update(
            last_screened_at=timezone.now()
        )
    return outcome, len(done)


# A party stored or changed without being screened (screen=False, as the demo stores its parties) is
# screened against every changed entry, as a party holding an alert on one is.
UNSCREENED = Q(last_screened_at__isnull=True) | Q(updated_at__gt=F("last_screened_at"))


def _unscreened(party: ScreenedParty) -> bool:
    return party.last_screened_at is None or party.updated_at > party.last_screened_at


def _held_alerts(watch_list_id: int, first: int, last: int | None) -> dict[int, dict[tuple[str, str], Alert]]:
    """The alerts of the parties first..last on a list, locked, by party and (list name, source id)."""
    held: dict[int, dict[tuple[str, str], Alert]] = {}
    alerts = Alert.objects.select_for_update(of=("self",)).filter(
        watch_list_id=watch_list_id, party_id__gte=first
    )
    for alert in (alerts if last is None else alerts.filter(party_id__lte=last)).select_related(
        "watch_list", "entry_version"
    ):
        held.setdefault(alert.party_id, {})[(alert.watch_list.name, alert.source_id)] = alert
    return held


def _finish(actor: Actor, run: DeltaRun) -> dict[str, Any]:
    """Close the alerts of removed entries, move the list's screened version on and write the ledger entry."""
    watch_list, current = run.watch_list, run.version
    closed = _close_removed(actor, run) if run.removed else 0
    WatchList.objects.filter(pk=watch_list.pk).update(screened_version=current)
    counts = {"opened": 0, "reopened": 0, "updated": 0, "closed": 0, **run.counts}
    counts["closed"] += closed
    run.counts = counts
    run.finished_at = run.updated_at = timezone.now()
    run.save(update_fields=["counts", "finished_at", "updated_at"])
    summary = {
        "list": watch_list.name,
        "version": current.number,
        "entries_screened": current.entries.count() if run.full else len(run.changed),
        # of those, the entries every party was screened against (the others: the parties with alerts on them)
        "entries_matching": current.entries.count() if run.full else len(run.matching_ids),
        "entries_removed": len(run.removed),
        "parties": run.parties,
        **counts,
        "chunks": run.chunks,
        "run": run.pk,
        "at": run.finished_at.isoformat(),
    }
    ledger_append(
        actor=actor,
        action=LedgerAction.DELTA_SCREEN,
        object_type="watch_list_version",
        object_id=current.pk,
        summary=summary,
    )
    log.info("delta screening", extra=summary)
    still = watch_list.versions.filter(is_current=True).values_list("pk", flat=True).first()
    again = still is not None and still != current.pk
    return {**summary, "finished": True, "again": again, "watch_list_id": watch_list.pk}


def _close_removed(actor: Actor, run: DeltaRun) -> int:
    watch_list, current = run.watch_list, run.version
    gone = (
        Alert.objects.select_for_update(of=("self",))
        .filter(watch_list=watch_list, source_id__in=run.removed)
        .exclude(status=AlertStatus.CLOSED)
        .select_related("party", "watch_list", "entry_version")
    )
    closed = 0
    for alert in gone:
        close_alert(
            alert, actor=actor, reason=f"entry removed from {watch_list.name} in version {current.number}"
        )
        closed += 1
    return closed
