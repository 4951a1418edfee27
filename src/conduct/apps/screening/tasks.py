"""Background screening jobs (run by `conduct worker`; in-process under the tests' immediate backend)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from conduct.apps.screening import dictionary
from conduct.apps.screening.indexes import current_lists
from conduct.apps.screening.services.delta import delta_chunk, delta_screen
from conduct.apps.screening.services.sources import sources_fetch_due


@task()
def screen_list_delta(watch_list_id: int) -> dict[str, Any]:
    """Screen stored parties against what changed in a list since they were last screened against it: a few
    parties here and now, many in chunks queued for every worker (`screen_delta_chunk`). Then build the
    list's new full index here, so its signed cache file is ready before the web processes need it."""
    summary = delta_screen(watch_list_id=watch_list_id, chunked=True)
    chunks = summary.pop("queue", [])
    for first, last in chunks:
        screen_delta_chunk.enqueue(summary["run"], first, last)
    summary["queued"] = len(chunks)
    if summary.pop("again", False):  # the list was reloaded during the run: its delta now
        screen_list_delta.enqueue(watch_list_id)
    current_lists()
    return summary


@task()
def screen_delta_chunk(run_id: int, first: int, last: int | None) -> dict[str, Any]:
    """Screen one chunk of stored parties (ids `first` to `last`) against a delta run's changes; the chunk
    that completes the run finishes it, and queues the list's next delta if it was reloaded meanwhile."""
    summary = delta_chunk(run_id=run_id, first=first, last=last)
    if summary.pop("again", False):
        screen_list_delta.enqueue(summary["watch_list_id"])
    return summary


@task()
def fetch_list_sources() -> dict[str, Any]:
    """Fetch the list sources that are due (the worker enqueues it every ten minutes) and report stale
    ones to the officers."""
    results = sources_fetch_due()
    return {r.source.name: r.status for r in results}


@task()
def ensure_name_dictionary() -> dict[str, Any]:
    """Build the name-dictionary file if it is missing or another rigour's (the worker enqueues it daily, so
    also at each start): web processes and CLI calls then never load rigour's dictionary themselves."""
    return {"ready": dictionary.ensure(), "path": str(dictionary.path())}
