"""List sources: where a watch list is fetched from on a schedule. A fetch downloads (or copies) the file
within the source's size limit, loads it as the list's next version only when its content hash changed, and
on any failure keeps the last good version and records the error. The officers are told once per incident
when a source fails or has had no good fetch for SCREENING_SOURCE_STALE_HOURS."""

from __future__ import annotations

import logging
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import SCHEDULER, Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import ServiceError, raise_if
from conduct.apps.notifications.messages import Message, message
from conduct.apps.notifications.services import notify
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.models import ListFormat, ListKind, ListSource
from conduct.apps.screening.services._common import LIST_NAME
from conduct.apps.screening.services.lists import _unpacked, file_sha256, list_load

log = logging.getLogger("conduct.screening.sources")
TIMEOUT_SECONDS = 60
_CHUNK = 1 << 20


class FetchFailed(Exception):
    """A fetch that read no usable list: unreachable, too large, empty."""


@dataclass(frozen=True)
class FetchResult:
    source: ListSource
    status: str  # loaded | unchanged | failed
    version: int | None = None
    error: str = ""


@transaction.atomic
def source_add(
    *,
    actor: Actor,
    name: str,
    url: str,
    format: str,
    kind: str,
    interval_hours: int = 24,
    max_bytes: int | None = None,
    enabled: bool = True,
) -> ListSource:
    """Configure a source for list `name` (fetched by the worker every `interval_hours`)."""
    authorize(actor, "lists.load")
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not LIST_NAME.match(name):
        errors["name"] = _("Use 1-60 lower-case letters, digits, '_' or '-'.")
    elif ListSource.objects.filter(name=name).exists():
        errors["name"] = _("A source for this list exists already.")
    url = (url or "").strip()
    if not url or len(url) > 1000:
        errors["url"] = _("An http(s) URL or a path on the server (at most 1000 characters).")
    elif "://" in url and not url.startswith(("http://", "https://")):
        errors["url"] = _("Only http and https URLs, or a path.")
    if format not in ListFormat.values:
        errors["format"] = _("One of: %(v)s.") % {"v": ", ".join(ListFormat.values)}
    if kind not in ListKind.values:
        errors["kind"] = _("One of: %(v)s.") % {"v": ", ".join(ListKind.values)}
    if not isinstance(interval_hours, int) or not 1 <= interval_hours <= 24 * 31:
        errors["interval_hours"] = _("Whole hours from 1 to 744.")
    if max_bytes is not None and (not isinstance(max_bytes, int) or not 1024 <= max_bytes <= 2**31):
        errors["max_bytes"] = _("Bytes from 1024 to 2147483648.")
    raise_if(errors, _("The list source is not valid."))
    source = ListSource.objects.create(
        name=name,
        url=url,
        format=format,
        kind=kind,
        interval_hours=interval_hours,
        max_bytes=max_bytes or 50 * 1024 * 1024,
        enabled=enabled,
    )
    ledger_append(
        actor=actor,
        action=LedgerAction.SOURCE_ADD,
        object_type="list_source",
        object_id=source.pk,
        summary={"name": name, "url": url, "format": format, "kind": kind, "interval_hours": interval_hours},
    )
    return source


def _download(url: str, target: Path, limit: int) -> None:
    """Copy the URL's body (or the file or folder at a path) to `target`, never past `limit` bytes."""
    if not url.startswith(("http://", "https://")):
        path = Path(url)
        if path.is_dir():
            shutil.copytree(path, target)
            if sum(p.stat().st_size for p in target.iterdir()) > limit:
                raise FetchFailed(_("larger than the limit of %(n)d bytes") % {"n": limit})
            return
        if not path.is_file():
            raise FetchFailed(_("no file at %(p)s") % {"p": url})
        if path.stat().st_size > limit:
            raise FetchFailed(_("larger than the limit of %(n)d bytes") % {"n": limit})
        shutil.copyfile(path, target)
        return
    request = urllib.request.Request(url, headers={"User-Agent": "conduct-list-fetch"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response, target.open("wb") as out:  # noqa: S310
            written = 0
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                written += len(chunk)
                if written > limit:
                    raise FetchFailed(_("larger than the limit of %(n)d bytes") % {"n": limit})
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise FetchFailed(str(getattr(exc, "reason", exc))) from None
    if written == 0:
        raise FetchFailed(_("the response was empty"))


def source_fetch(*, actor: Actor, source: ListSource) -> FetchResult:
    """Fetch one source now. A changed file becomes the list's next version; the same file changes nothing;
    a failure keeps the last good version and is recorded on the source (and ledgered)."""
    authorize(actor, "lists.load")
    now = timezone.now()
    with tempfile.TemporaryDirectory(prefix="conduct-source-") as folder:
        path = Path(folder) / (Path(source.url.split("?", 1)[0]).name or "list")
        try:
            _download(source.url, path, source.max_bytes)
            if path.is_file():
                path = _unpacked(path, Path(folder))  # a zip of an OFAC folder, or of one file
            sha = file_sha256(path)
            if sha == source.last_sha256 and source.last_good_version_id is not None:
                return _record_good(actor, source, now, sha, None)
            loaded = list_load(
                actor=actor,
                path=path,
                name=source.name,
                format=source.format,
                kind=source.kind,
                source=source.url,
            )
        except (FetchFailed, ServiceError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            fields = getattr(exc, "fields", {}) or {}
            detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
            return _record_failure(actor, source, now, f"{message} {detail}".strip())
    return _record_good(actor, source, now, sha, loaded.version if loaded.created else None)


@transaction.atomic
def _record_good(actor: Actor, source: ListSource, now: datetime, sha: str, version: object) -> FetchResult:
    source.last_fetched_at = source.last_good_at = now
    source.last_sha256 = sha
    source.last_error = ""
    source.notified_incident = ""
    if version is not None:
        source.last_good_version = version  # type: ignore[assignment]
        source.last_changed_at = now
    elif source.last_good_version_id is None:
        source.last_good_version = source_current_version(source)
    source.save()
    number = getattr(version, "number", None)
    ledger_append(
        actor=actor,
        action=LedgerAction.SOURCE_FETCH,
        object_type="list_source",
        object_id=source.pk,
        summary={"name": source.name, "sha256": sha, "loaded_version": number},
    )
    return FetchResult(source, "loaded" if number else "unchanged", number)


def source_current_version(source: ListSource) -> object:
    from conduct.apps.screening.models import WatchListVersion

    return WatchListVersion.objects.filter(watch_list__name=source.name, is_current=True).first()


@transaction.atomic
def _record_failure(actor: Actor, source: ListSource, now: datetime, error: str) -> FetchResult:
    first = source.last_failed_at is None or (source.last_good_at or now) > source.last_failed_at
    source.last_fetched_at = now
    if first or not source.last_error:
        source.last_failed_at = now
    source.last_error = error[:2000]
    source.save()
    ledger_append(
        actor=actor,
        action=LedgerAction.SOURCE_FAIL,
        object_type="list_source",
        object_id=source.pk,
        summary={"name": source.name, "error": error[:500]},
    )
    _notify_once(
        actor,
        source,
        f"failed:{source.last_failed_at:%Y-%m-%dT%H:%M:%S}",
        message(
            gettext_lazy("List source %(name)s failed: %(error)s. The last good version stays in force."),
            name=source.name,
            error=error[:300],
        ),
    )
    return FetchResult(source, "failed", None, error)


def _notify_once(actor: Actor, source: ListSource, incident: str, text: Message) -> bool:
    """Tell the compliance officers about an incident unless they were told about this one already."""
    if source.notified_incident == incident:
        return False
    officers = User.objects.filter(role=Role.COMPLIANCE_OFFICER, is_active=True).order_by("pk")
    notify(users=officers, kind="overdue", text=text, link="/screening/sources/", email=True)
    ListSource.objects.filter(pk=source.pk).update(notified_incident=incident[:60])
    source.notified_incident = incident[:60]
    ledger_append(
        actor=actor,
        action=LedgerAction.SOURCE_NOTIFY,
        object_type="list_source",
        object_id=source.pk,
        summary={"name": source.name, "incident": incident},
    )
    return True


def sources_fetch_due(*, actor: Actor = SCHEDULER, now: datetime | None = None) -> list[FetchResult]:
    """Fetch every enabled source that is due, then tell the officers about sources gone stale."""
    now = now or timezone.now()
    results = [
        source_fetch(actor=actor, source=source)
        for source in ListSource.objects.filter(enabled=True).order_by("name")
        if source.is_due(now)
    ]
    limit = timedelta(hours=int(getattr(settings, "SCREENING_SOURCE_STALE_HOURS", 72)))
    for source in ListSource.objects.filter(enabled=True).order_by("name"):
        since = source.last_good_at or source.created_at
        if now - since > limit:
            with transaction.atomic():
                _notify_once(
                    actor,
                    source,
                    f"stale:{since:%Y-%m-%dT%H:%M:%S}",
                    message(
                        gettext_lazy("List source %(name)s has had no good fetch since %(since)s."),
                        name=source.name,
                        since=f"{since:%Y-%m-%d %H:%M}",
                    ),
                )
    return results
