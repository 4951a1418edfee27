"""Loading a list version: read the file all-or-nothing, store every entry, record the diff, ledger it, and
emit ListVersionLoaded (screening's handler queues delta screening of the stored parties on commit). An upload
(the page, the API) is written to a private temporary folder and loaded from there like a file the CLI
names."""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Invalid, ServiceError, raise_if
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.models import EntryChange, WatchList, WatchListEntry, WatchListVersion
from conduct.apps.screening.serialize import content_hash, entry_fields
from conduct.apps.screening.services._common import LIST_NAME
from conduct.core.screening import FORMATS, LIST_KINDS, ListFormatError, ParsedList, detect_format, read_list
from conduct.events import emit
from conduct.events.screening import ListVersionLoaded

TITLES = {
    "ofac_sdn": "OFAC Specially Designated Nationals (SDN) List",
    "ofac_non_sdn": "OFAC Consolidated (non-SDN) Sanctions List",
    "un_consolidated": "UN Security Council Consolidated List",
    "bis_dpl": "BIS Denied Persons List",
    "us_csl": "US Consolidated Screening List",
}
BATCH = 1000
UPLOAD_MAX_BYTES = (
    50 * 1024 * 1024
)  # the 2025 SDN folder is ~20 MB unzipped; override SCREENING_UPLOAD_MAX_BYTES
ZIP_MAX_FILES = 20
_CHUNK = 1 << 20


class UploadTooLarge(ServiceError):
    """An uploaded list (or what its zip unpacks to) over the size limit."""

    status = 413
    code = "too_large"


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
            for chunk in iter(partial(handle.read, 1 << 20), b""):
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
        errors["format"] = _("Expected one of %(formats)s.") % {"formats": ", ".join(FORMATS)}
    if kind is not None and kind not in LIST_KINDS:
        errors["kind"] = _("Expected one of %(list_kinds)s.") % {"list_kinds": ", ".join(LIST_KINDS)}
    raise_if(errors, _("The list cannot be loaded."))
    try:
        return read_list(Path(path), format=format, list_kind=kind)
    except ListFormatError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise Invalid(
            f"{exc.path or path}: {where}{exc.message}",
            fields={
                "file": f"{where}{exc.message}",
                **({"line": str(exc.line)} if exc.line is not None else {}),
            },
            code="malformed_list",
        ) from None


def list_load(
    *,
    actor: Actor,
    path: str | Path,
    name: str | None = None,
    format: str | None = None,
    kind: str | None = None,
    title: str | None = None,
    source: str = "",
    progress: Callable[[str], None] = lambda _: None,
) -> Loaded:
    """Load `path` as the next version of list `name` (created on first load). All or nothing: a malformed
    file raises Invalid naming the line and reason, and the previous version stays in force. Emits
    ListVersionLoaded for a new version (screening's own handler queues the delta screening of the stored
    parties)."""
    authorize(actor, "lists.load")
    path = Path(path)
    if format is None:
        with contextlib.suppress(ListFormatError):  # list_read reports it, with the line
            format = detect_format(path)
    name = (name or _default_name(path, format or "list")).strip()
    errors: dict[str, str] = {}
    if not LIST_NAME.match(name):
        errors["name"] = _(
            "Use 1-60 lower-case letters, digits, '_' or '-', starting with a letter or digit."
        )
    existing = WatchList.objects.filter(name=name).first() if not errors else None
    if existing is not None and format is not None and existing.format != format:
        errors["format"] = _("List %(name)s holds %(format)s files; this one is %(format2)s.") % {
            "name": name,
            "format": existing.format,
            "format2": format,
        }
    raise_if(errors, _("The list cannot be loaded."))
    progress(_("reading the file"))
    parsed = list_read(path=path, format=format, kind=kind or (existing.kind if existing else None))
    sha = file_sha256(path)
    with transaction.atomic():
        return _store(actor, path, name, parsed, sha, kind, title, source, progress)


def _store(
    actor: Actor,
    path: Path,
    name: str,
    parsed: ParsedList,
    sha: str,
    kind: str | None,
    title: str | None,
    source: str,
    progress: Callable[[str], None] = lambda _: None,
) -> Loaded:
    progress(_("comparing with the current version"))
    watch_list = _watch_list(name, parsed, kind, title, source)
    list_kind = watch_list.kind
    current = watch_list.versions.filter(is_current=True).first()
    if current is not None and current.file_sha256 == sha and current.kind == list_kind:
        return Loaded(watch_list, current, False)
    before = dict(current.entries.values_list("source_id", "content_hash")) if current else {}
    rows, counts, names = _entry_rows(path, parsed, list_kind, before)
    removed = _removed(current, sorted(set(before) - {row.source_id for row in rows}))
    number = (watch_list.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if current is not None:
        WatchListVersion.objects.filter(pk=current.pk).update(is_current=False)
    version = WatchListVersion.objects.create(
        watch_list=watch_list,
        number=number,
        kind=list_kind,
        loaded_at=timezone.now(),
        loaded_by=actor_label(actor),
        path=path.name[:500],
        file_sha256=sha,
        source_date=parsed.source_date or "",
        entry_count=len(rows),
        name_count=names,
        added_count=counts[str(EntryChange.ADDED)],
        changed_count=counts[str(EntryChange.CHANGED)],
        unchanged_count=counts[str(EntryChange.UNCHANGED)],
        removed_count=len(removed),
        removed=removed,
        notes=list(parsed.notes),
        is_current=True,
        previous=current,
    )
    for row in rows:
        row.version = version
    progress(_("storing %(count)s entries") % {"count": len(rows)})
    WatchListEntry.objects.bulk_create(rows, batch_size=BATCH)
    progress(_("recording in the ledger"))
    _ledger_load(actor, path, version, parsed, sha, current)
    emit(
        ListVersionLoaded(
            actor=actor,
            watch_list_id=watch_list.pk,
            version_id=version.pk,
            name=watch_list.name,
            changed=current is None
            or bool(version.added_count or version.changed_count or version.removed_count),
        )
    )
    return Loaded(watch_list, version, True)


def _removed(current: WatchListVersion | None, removed_ids: list[str]) -> list[dict[str, str]]:
    """The entries of the current version that the new one drops: their ids and primary names."""
    if current is None or not removed_ids:
        return []
    primary = dict(current.entries.filter(source_id__in=removed_ids).values_list("source_id", "primary_name"))
    return [{"source_id": sid, "name": primary.get(sid, "")} for sid in removed_ids]


def _watch_list(name: str, parsed: ParsedList, kind: str | None, title: str | None, source: str) -> WatchList:
    """The list `name`, locked (created on first load), with its title, kind and source brought up to date."""
    watch_list = WatchList.objects.select_for_update().filter(name=name).first()
    list_kind = kind or (watch_list.kind if watch_list else parsed.list_kind)
    if watch_list is None:
        return WatchList.objects.create(
            name=name,
            title=(title or TITLES.get(parsed.format) or name.replace("_", " ").title())[:200],
            kind=list_kind,
            format=parsed.format,
            source=source[:500],
        )
    updates: dict[str, str] = {}
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
    return watch_list


def _entry_rows(
    path: Path, parsed: ParsedList, list_kind: str, before: dict[str, str]
) -> tuple[list[WatchListEntry], dict[str, int], int]:
    """The version's entry rows (unsaved), how many were added, changed and unchanged, and the names count."""
    rows: list[WatchListEntry] = []
    counts: dict[str, int] = {
        str(EntryChange.ADDED): 0,
        str(EntryChange.CHANGED): 0,
        str(EntryChange.UNCHANGED): 0,
    }
    names = 0
    seen: set[str] = set()
    for entry in parsed.entries:
        if entry.source_id in seen:
            raise Invalid(
                _("%(path)s: entry id %(source_id)s appears twice.")
                % {"path": path, "source_id": repr(entry.source_id)},
                fields={
                    "file": _("entry id %(source_id)s appears twice") % {"source_id": repr(entry.source_id)}
                },
                code="malformed_list",
            )
        seen.add(entry.source_id)
        fields = entry_fields(entry, list_kind)  # an entry's own kind (CSL rows carry one) wins
        digest = content_hash(fields)
        previous_hash = before.get(entry.source_id)
        change = (
            str(EntryChange.ADDED)
            if previous_hash is None
            else str(EntryChange.UNCHANGED)
            if previous_hash == digest
            else str(EntryChange.CHANGED)
        )
        counts[change] += 1
        names += len(entry.names)
        source_line = {"source_line": entry.extra["source_line"]} if "source_line" in entry.extra else {}
        rows.append(
            WatchListEntry(
                source_id=entry.source_id[:100],
                list_kind=fields["list_kind"],
                entity_type=entry.entity_type,
                primary_name=entry.primary_name[:500],
                names=fields["names"],
                countries=fields["countries"],
                birth_dates=fields["birth_dates"],
                identifiers=fields["identifiers"],
                programs=fields["programs"],
                remarks=entry.remarks,
                extra={**fields["extra"], **source_line},
                content_hash=digest,
                change=change,
            )
        )
    return rows, counts, names


def _ledger_load(
    actor: Actor,
    path: Path,
    version: WatchListVersion,
    parsed: ParsedList,
    sha: str,
    current: WatchListVersion | None,
) -> None:
    ledger_append(
        actor=actor,
        action=LedgerAction.LIST_LOAD,
        object_type="watch_list_version",
        object_id=version.pk,
        summary={
            "list": version.watch_list.name,
            "version": version.number,
            "format": parsed.format,
            "kind": version.kind,
            "file": path.name,
            "sha256": sha,
            "source_date": parsed.source_date,
            "entries": version.entry_count,
            "names": version.name_count,
            "added": version.added_count,
            "changed": version.changed_count,
            "removed": version.removed_count,
            "unchanged": version.unchanged_count,
            "previous_version": current.number if current else None,
        },
    )


def upload_max_bytes() -> int:
    return int(settings.CONDUCT.get("SCREENING_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES))


def list_upload(
    *,
    actor: Actor,
    name: str,
    filename: str,
    upload: IO[bytes],
    format: str | None = None,
    kind: str | None = None,
) -> Loaded:
    """Load an uploaded list file as the next version of list `name` (created on first load), as `list_load`
    does for a path. A .zip is unpacked first: OFAC's lists are folders of CSV files (sdn.csv, alt.csv,
    add.csv), so they come as a zip of that folder; a zip holding one file is that file. Errors name the
    uploaded file, not the temporary copy; a file over the size limit raises UploadTooLarge (413)."""
    authorize(actor, "lists.load")
    errors: dict[str, str] = {}
    if format and format not in FORMATS:
        errors["format"] = _("Expected one of %(formats)s.") % {"formats": ", ".join(FORMATS)}
    if kind and kind not in LIST_KINDS:
        errors["kind"] = _("Expected one of %(list_kinds)s.") % {"list_kinds": ", ".join(LIST_KINDS)}
    if not (name or "").strip():
        errors["name"] = _("Name the list (a new list's name, or an existing list's).")
    raise_if(errors, _("The list cannot be loaded."))
    shown = _safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="conduct-list-") as folder:
        root = Path(folder)
        path = _unpacked(_saved(upload, root / shown), root)
        try:
            return list_load(
                actor=actor, path=path, name=name.strip(), format=format or None, kind=kind or None
            )
        except Invalid as exc:
            hidden = f"{root}/"  # the temporary folder means nothing to the uploader
            raise Invalid(
                exc.message.replace(hidden, ""),
                code=exc.code,
                fields={k: v.replace(hidden, "") for k, v in exc.fields.items()},
            ) from None


def _safe_filename(filename: str) -> str:
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    return safe or "upload"


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        _("The list file is larger than %(value)s MB (%(limit)s bytes).")
        % {"value": limit // (1024 * 1024), "limit": limit},
        fields={
            "file": f"At most {limit} bytes (unpacked, for a zip). "
            "Larger lists load with `conduct lists load`."
        },
    )


def _copy(source: IO[bytes], target: Path, limit: int, already: int = 0) -> int:
    """Copy in chunks, counting, so a file is never held whole in memory nor written past the limit."""
    written = already
    with target.open("wb") as out:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            written += len(chunk)
            if written > limit:
                raise _too_large(limit)
            out.write(chunk)
    return written


def _saved(upload: IO[bytes], target: Path) -> Path:
    if _copy(upload, target, upload_max_bytes()) == 0:
        raise Invalid(
            _("The list cannot be loaded."), fields={"file": _("The file is empty.")}, code="malformed_list"
        )
    return target


def _unpacked(saved: Path, root: Path) -> Path:
    """The path to load: the saved file, or what its zip holds (one file, or a folder of them)."""
    if not zipfile.is_zipfile(saved):
        return saved
    folder = root / (
        saved.name.removesuffix(".zip") if saved.name.endswith(".zip") else f"{saved.name}-files"
    )
    folder.mkdir()
    limit, total, names = upload_max_bytes(), 0, []
    try:
        with zipfile.ZipFile(saved) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir()
                and not m.filename.startswith("__MACOSX/")
                and not PurePosixPath(m.filename).name.startswith(".")
            ]
            if len(members) > ZIP_MAX_FILES:
                raise _bad_zip(
                    _("It holds %(count)s files; a list is at most %(zip_max_files)s.")
                    % {"count": len(members), "zip_max_files": ZIP_MAX_FILES}
                )
            for member in members:
                # Only the base name is used: a member's folders (or "../") never reach the file system.
                name = _safe_filename(member.filename)
                if name in names:
                    raise _bad_zip(
                        _("It holds two files named %(name)s; zip one list's folder.") % {"name": name}
                    )
                names.append(name)
                with archive.open(member) as source:
                    total = _copy(source, folder / name, limit, total)
    except (
        zipfile.BadZipFile,
        RuntimeError,
        NotImplementedError,
        EOFError,
    ) as exc:  # corrupt, encrypted, exotic
        raise _bad_zip(_("It cannot be unpacked (%(exc)s).") % {"exc": exc}) from None
    saved.unlink()
    if not names:
        raise _bad_zip(_("It holds no files."))
    return folder / names[0] if len(names) == 1 else folder


def _bad_zip(why: str) -> Invalid:
    return Invalid(
        _("The zip file cannot be loaded: %(why)s") % {"why": why},
        fields={"file": why},
        code="malformed_list",
    )
