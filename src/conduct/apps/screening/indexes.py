"""The name indexes of the current list versions: built lazily, kept in memory, persisted between processes.

Building a NameIndex for a large list takes seconds (the 2021 SDN list: ~8 s, and 10-20 s more the first
time a process loads the name dictionary), loading its artefact a fraction of a second. Each current version's
index is keyed by what determines it - the list's name and kind, the file's sha256 and the screening engine's
own code - so a reload (a new sha256) or a new engine builds afresh, and a key seen before is reused whichever
database row it came from. The worker builds a new version's artefact right after the load (tasks.py), so web
processes and CLI calls find it ready. Artefacts (core.screening._artefact: the index and the name-dictionary
symbols of its texts) live under CONDUCT_HOME/cache/screening, or SCREENING_CACHE_DIR (storage that several
nodes share), written atomically, and carry an HMAC made with SECRET_KEY: a file that does not verify, or is
not a whole current artefact, is rebuilt (and rewritten), never unpickled.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import mmap
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connections

from conduct.apps.children import in_child
from conduct.apps.screening.models import WatchListEntry, WatchListVersion
from conduct.core._gc import paused_gc
from conduct.core.screening import EntryName, ListEntry, Match, NameIndex, Query, Screener
from conduct.core.screening._artefact import ArtefactError, dumps, loads

log = logging.getLogger("conduct.screening")

MEMORY_SLOTS = 16  # indexes kept in memory (current lists, plus a few recent ones)
_MEMORY: OrderedDict[str, tuple[str, NameIndex]] = OrderedDict()  # key -> (list name, index)
_LOCK = threading.Lock()
STATS = {"built": 0, "loaded": 0, "memory": 0}  # how indexes were obtained (tests and `lists show` read it)


@cache
def engine_fingerprint() -> str:
    """A hash of the screening engine's source and data: a new engine never reuses an old engine's index."""
    import conduct.core.screening as engine

    root = Path(engine.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".json", ".yml", ".yaml"}
    ):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def index_key(version: WatchListVersion) -> str:
    parts = [engine_fingerprint(), version.watch_list.name, version.kind, version.file_sha256]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cache_dir() -> Path:
    configured = settings.CONDUCT.get("SCREENING_CACHE_DIR")
    return Path(configured) if configured else Path(settings.CONDUCT_HOME) / "cache" / "screening"


def entry_from_row(row: WatchListEntry) -> ListEntry:
    """The engine's value for a stored entry (its content hash rides along in `extra`)."""
    return ListEntry(
        source_id=row.source_id,
        entity_type=row.entity_type,
        names=tuple(EntryName(n["name"], n["kind"]) for n in row.names),
        countries=tuple(row.countries),
        birth_dates=tuple(row.birth_dates),
        identifiers=tuple((str(s), str(v)) for s, v in row.identifiers),
        programs=tuple(row.programs),
        remarks=row.remarks,
        extra={**row.extra, "list_kind": row.list_kind, "content_hash": row.content_hash},
    )


def build_index(list_name: str, rows: Iterable[WatchListEntry]) -> NameIndex:
    return NameIndex((list_name, row.list_kind, entry_from_row(row)) for row in rows)


def _signing_key() -> bytes:
    return hashlib.sha256(b"conduct.screening.index\x00" + settings.SECRET_KEY.encode()).digest()


SUFFIX = ".nameindex"


def _path(version: WatchListVersion, key: str) -> Path:
    return cache_dir() / f"{version.watch_list.name}-{key[:40]}{SUFFIX}"


def _read(path: Path) -> NameIndex | None:
    """The index in a signed artefact file. The file stays mapped while the index lives (the index reads its
    entries, names and postings from it in place), so every process that maps one file shares one copy."""
    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable or empty (mmap of 0 bytes)
        return None
    data = memoryview(mapped)
    expected = hmac.new(_signing_key(), data[32:], hashlib.sha256).digest()
    if not hmac.compare_digest(bytes(data[:32]), expected):
        log.warning("screening index artefact does not verify; rebuilding", extra={"path": str(path)})
        return None
    try:
        return loads(data[32:], verified=True)  # the MAC covers these bytes: no second checksum
    except ArtefactError as error:
        log.warning("screening index artefact unreadable (%s); rebuilding", error)
        return None


def _write(path: Path, index: NameIndex) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = dumps(index)
        mac = hmac.new(_signing_key(), payload, hashlib.sha256).digest()
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
        with os.fdopen(handle, "wb") as out:
            out.write(mac + payload)
        os.replace(temp, path)
        _prune(path)
    except OSError:
        log.warning("could not write the screening index cache", extra={"path": str(path)}, exc_info=True)


def _prune(keep: Path) -> None:
    """Drop this list's older cache files (a day old or more): each reload would otherwise leave one. The two
    written last before `keep` stay too, whatever their age: the versions just replaced, which processes on
    other nodes may still be reading through their mappings until their next screening."""
    prefix = keep.name.rsplit("-", 1)[0] + "-"
    cutoff = time.time() - 86_400
    others = sorted(
        (other.stat().st_mtime, other)
        for other in keep.parent.glob(f"{prefix}*{SUFFIX}")
        if other != keep and other.name.rsplit("-", 1)[0] + "-" == prefix
    )
    for mtime, other in others[:-2]:
        if mtime < cutoff:
            other.unlink(missing_ok=True)
    for legacy in keep.parent.glob(f"{prefix}*.pickle"):  # the format before artefacts: never read again
        if legacy.name.rsplit("-", 1)[0] + "-" == prefix:
            legacy.unlink(missing_ok=True)


def _load_or_build(version: WatchListVersion, path: Path) -> NameIndex:
    """The index in its signed artefact file, else built from the version's stored entries (and written)."""
    index = _read(path)
    if index is not None:
        STATS["loaded"] += 1
        return index
    started = time.perf_counter()
    index = build_index(version.watch_list.name, version.entries.order_by("id").iterator(chunk_size=2000))
    STATS["built"] += 1
    log.info(
        "built screening index",
        extra={
            "list": version.watch_list.name,
            "version": version.number,
            "names": len(index),
            "ms": round((time.perf_counter() - started) * 1000),
        },
    )
    _write(path, index)
    # read back from the file just written: every process then holds an index the same way (its bulk in the
    # shared mapping), and the build's objects are freed
    mapped = _read(path)
    return mapped if mapped is not None else index  # (an index of no names is false: `or` would not do)


def build_missing() -> int:
    """Write the artefacts of the current list versions that have none, in a child process (the build's
    working memory goes with it): `conduct serve` calls it before it loads the indexes it shares with the
    workers it forks. How many were built."""
    if any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        return 0  # a child would not see this transaction's rows (nor may its connection be closed)
    versions = _current_versions()
    missing = [version for version in versions if not _path(version, index_key(version)).exists()]
    if not missing:
        return 0

    def build() -> None:
        for version in missing:
            rows = version.entries.order_by("id").iterator(chunk_size=2000)
            _write(_path(version, index_key(version)), build_index(version.watch_list.name, rows))

    if not in_child(build, log=log, failure="could not build the screening index artefacts", databases=True):
        return 0  # said in the log; what is missing is built where it is first needed
    return len(missing)


def version_index(version: WatchListVersion) -> NameIndex:
    """The index of one version: from memory, else its signed artefact, else built from its stored entries
    (and its artefact written)."""
    key = index_key(version)
    with _LOCK:
        found = _MEMORY.get(key)
        if found is not None:
            _MEMORY.move_to_end(key)
            STATS["memory"] += 1
            return found[1]
        path = _path(version, key)
        # The collector stays paused across the load (or build) and the freeze: the index's million objects
        # go out of its reach before it runs again, instead of being walked by the next two or three
        # collections (0.1-0.3 s of a fresh process's first request) and by every full one after. Reference
        # counting still frees an index dropped later (it holds no cycles); what the freeze costs is any
        # cyclic garbage pending at this moment, kept.
        with paused_gc():
            index = _load_or_build(version, path)
            gc.freeze()
        # a list's other versions go: a version replaced is not screened against again, and its mapped
        # file (and the symbol table seeded from it) is not read after this (on shared storage another node
        # may prune it; reading a removed file's pages there fails)
        name = version.watch_list.name
        for other in [other for other, (list_name, _) in _MEMORY.items() if list_name == name]:
            del _MEMORY[other]
        _MEMORY[key] = (name, index)
        while len(_MEMORY) > MEMORY_SLOTS:
            _MEMORY.popitem(last=False)
        return index


def forget() -> None:
    """Empty the in-memory cache (tests; the artefact files stay)."""
    with _LOCK:
        _MEMORY.clear()


@dataclass(frozen=True)
class CurrentList:
    """A list's current version and its index, as screening uses them."""

    version: WatchListVersion
    index: NameIndex

    @property
    def name(self) -> str:
        return self.version.watch_list.name


@dataclass(frozen=True)
class ListedMatch:
    """A match with the list version it was found in."""

    match: Match
    version: WatchListVersion


def _current_versions(names: Sequence[str] | None = None) -> list[WatchListVersion]:
    qs = (
        WatchListVersion.objects.filter(is_current=True)
        .select_related("watch_list")
        .order_by("watch_list__name")
        .defer("removed", "notes")  # a version's report (often long), not needed to screen: read per request
    )
    if names is not None:
        qs = qs.filter(watch_list__name__in=list(names))
    return list(qs)


def current_lists(names: Sequence[str] | None = None) -> list[CurrentList]:
    return [CurrentList(version, version_index(version)) for version in _current_versions(names)]


def search(
    lists: Sequence[CurrentList], query: Query, *, threshold: float | None = None, limit: int = 10
) -> list[ListedMatch]:
    """Screen one query against every given list; the best `limit` matches over all of them, best first."""
    found: list[ListedMatch] = []
    for current in lists:
        for match in Screener(current.index).search(query, threshold=threshold, limit=limit):
            found.append(ListedMatch(match, current.version))
    found.sort(key=lambda m: (-m.match.score, m.match.list_id, m.match.source_id))
    return found[:limit]
