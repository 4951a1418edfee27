"""Loading a list version: read the file all-or-nothing, store every entry, record the diff, ledger it, and
queue delta screening of the stored parties once the version is committed."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Invalid
from conduct.apps.screening.models import EntryChange, WatchList, WatchListEntry, WatchListVersion
from conduct.apps.screening.serialize import content_hash, entry_fields
from conduct.apps.screening.services._common import LIST_NAME, check, ledger_actor, raise_if
from conduct.core.screening import FORMATS, LIST_KINDS, ListFormatError, ParsedList, detect_format, read_list

TITLES = {
    "ofac_sdn": "OFAC Specially Designated Nationals (SDN) List",
    "ofac_non_sdn": "OFAC Consolidated (non-SDN) Sanctions List",
    "un_consolidated": "UN Security Council Consolidated List",
    "bis_dpl": "BIS Denied Persons List",
    "us_csl": "US Consolidated Screening List",
}
BATCH = 1000


@dataclass(frozen=True)
class Loaded:
    """What a load did: the version in force afterwards, and whether it is new."""

    watch_list: WatchList
    version: WatchListVersion
    created: bool  # False: the file was the current version's file already; nothing changed


def file_sha256(path: Path) -> str:
    """sha256 of a list file, or of a folder's files (names and contents, in name order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for item in files:
        if path.is_dir():
            digest.update(item.name.encode() + b"\x00")
        with item.open("rb") as handle:
            for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _default_name(path: Path, fmt: str) -> str:
    if fmt in TITLES:
        return fmt
    stem = path.name.split(".", 1)[0].lower()
    slug = "".join(ch if ch.isalnum() else "_" for ch in stem).strip("_")[:60]
    return slug or fmt


def list_read(*, path: str | Path, format: str | None = None, kind: str | None = None) -> ParsedList:
    """Read and check a list file without storing anything. ListFormatError -> Invalid naming the line."""
    errors: dict[str, str] = {}
    if format is not None and format not in FORMATS:
        errors["format"] = f"Expected one of {', '.join(FORMATS)}."
    if kind is not None and kind not in LIST_KINDS:
        errors["kind"] = f"Expected one of {', '.join(LIST_KINDS)}."
    raise_if(errors, "The list cannot be loaded.")
    try:
        return read_list(Path(path), format=format, list_kind=kind)
    except ListFormatError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise Invalid(
            f"{exc.path or path}: {where}{exc.message}",
            fields={"file": f"{where}{exc.message}", **({"line": str(exc.line)} if exc.line is not None else {})},
            code="malformed_list",
        ) from None


def list_load(
    *,
    actor: Any,
    path: str | Path,
    name: str | None = None,
    format: str | None = None,
    kind: str | None = None,
    title: str | None = None,
    source: str = "",
) -> Loaded:
    """Load `path` as the next version of list `name` (created on first load). All or nothing: a malformed file
    raises Invalid naming the line and reason, and the previous version stays in force."""
    check(actor, "lists.load")
    path = Path(path)
    if format is None:
        with contextlib.suppress(ListFormatError):  # list_read reports it, with the line
            format = detect_format(path)
    name = (name or _default_name(path, format or "list")).strip()
    errors: dict[str, str] = {}
    if not LIST_NAME.match(name):
        errors["name"] = "Use 1-60 lower-case letters, digits, '_' or '-', starting with a letter or digit."
    existing = WatchList.objects.filter(name=name).first() if not errors else None
    if existing is not None and format is not None and existing.format != format:
        errors["format"] = f"List {name} holds {existing.format} files; this one is {format}."
    raise_if(errors, "The list cannot be loaded.")
    parsed = list_read(path=path, format=format, kind=kind or (existing.kind if existing else None))
    sha = file_sha256(path)
    with transaction.atomic():
        return _store(actor, path, name, parsed, sha, kind, title, source)


def _store(
    actor: Any, path: Path, name: str, parsed: ParsedList, sha: str, kind: str | None, title: str | None, source: str
) -> Loaded:
    watch_list = WatchList.objects.select_for_update().filter(name=name).first()
    list_kind = kind or (watch_list.kind if watch_list else parsed.list_kind)
    if watch_list is None:
        watch_list = WatchList.objects.create(
            name=name, title=(title or TITLES.get(parsed.format) or name.replace("_", " ").title())[:200],
            kind=list_kind, format=parsed.format, source=source[:500],
        )
    else:
        updates = {}
        if title and title != watch_list.title:
            updates["title"] = title[:200]
        if list_kind != watch_list.kind:
            updates["kind"] = list_kind
        if source and source != watch_list.source:
            updates["source"] = source[:500]
        if updates:
            WatchList.objects.filter(pk=watch_list.pk).update(**updates)
            for field, value in updates.items():
                setattr(watch_list, field, value)
    current = watch_list.versions.filter(is_current=True).first()
    if current is not None and current.file_sha256 == sha and current.kind == list_kind:
        return Loaded(watch_list, current, False)

    before = dict(current.entries.values_list("source_id", "content_hash")) if current else {}
    rows: list[WatchListEntry] = []
    counts = {EntryChange.ADDED: 0, EntryChange.CHANGED: 0, EntryChange.UNCHANGED: 0}
    names = 0
    seen: set[str] = set()
    for entry in parsed.entries:
        if entry.source_id in seen:
            raise Invalid(f"{path}: entry id {entry.source_id!r} appears twice.",
                          fields={"file": f"entry id {entry.source_id!r} appears twice"}, code="malformed_list")
        seen.add(entry.source_id)
        fields = entry_fields(entry, list_kind)  # an entry's own kind (CSL rows carry one) wins
        digest = content_hash(fields)
        previous_hash = before.get(entry.source_id)
        change = (EntryChange.ADDED if previous_hash is None
                  else EntryChange.UNCHANGED if previous_hash == digest else EntryChange.CHANGED)
        counts[change] += 1
        names += len(entry.names)
        rows.append(WatchListEntry(
            source_id=entry.source_id[:100], list_kind=fields["list_kind"], entity_type=entry.entity_type,
            primary_name=entry.primary_name[:500], names=fields["names"], countries=fields["countries"],
            birth_dates=fields["birth_dates"], identifiers=fields["identifiers"], programs=fields["programs"],
            remarks=entry.remarks, extra={**fields["extra"], **({"source_line": entry.extra["source_line"]}
                                                                if "source_line" in entry.extra else {})},
            content_hash=digest, change=change,
        ))
    removed_ids = sorted(set(before) - seen)
    removed = []
    if removed_ids:
        primary = dict(current.entries.filter(source_id__in=removed_ids).values_list("source_id", "primary_name"))
        removed = [{"source_id": sid, "name": primary.get(sid, "")} for sid in removed_ids]
    number = (watch_list.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if current is not None:
        WatchListVersion.objects.filter(pk=current.pk).update(is_current=False)
    version = WatchListVersion.objects.create(
        watch_list=watch_list, number=number, kind=list_kind, loaded_at=timezone.now(),
        loaded_by=actor_label(ledger_actor(actor)), path=path.name[:500], file_sha256=sha,
        source_date=parsed.source_date or "", entry_count=len(rows), name_count=names,
        added_count=counts[EntryChange.ADDED], changed_count=counts[EntryChange.CHANGED],
        unchanged_count=counts[EntryChange.UNCHANGED], removed_count=len(removed), removed=removed,
        notes=list(parsed.notes), is_current=True, previous=current,
    )
    for row in rows:
        row.version = version
    WatchListEntry.objects.bulk_create(rows, batch_size=BATCH)
    ledger_append(
        actor=ledger_actor(actor), action="screening.list_load", object_type="watch_list_version", object_id=version.pk,
        summary={
            "list": watch_list.name, "version": number, "format": parsed.format, "kind": list_kind,
            "file": path.name, "sha256": sha, "source_date": parsed.source_date, "entries": len(rows), "names": names,
            "added": version.added_count, "changed": version.changed_count, "removed": version.removed_count,
            "unchanged": version.unchanged_count, "previous_version": current.number if current else None,
        },
    )
    _queue_delta(watch_list.pk)
    return Loaded(watch_list, version, True)


def _queue_delta(watch_list_id: int) -> None:
    from conduct.apps.screening.tasks import screen_list_delta

    transaction.on_commit(lambda: screen_list_delta.enqueue(watch_list_id))
