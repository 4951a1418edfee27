"""Bounded uploads: a multipart body is streamed to CONDUCT_HOME/tmp, its size limit enforced as it is read.

Django keeps a file of at most FILE_UPLOAD_MAX_MEMORY_SIZE in memory and spills larger ones to a temporary
file in FILE_UPLOAD_TEMP_DIR. `LimitedUploadHandler` runs first among the upload handlers: it counts every
byte of every file part and stops the request (413) as soon as the running total passes the limit for the
path (settings.UPLOAD_LIMITS, else MAX_UPLOAD_BYTES), so neither memory nor the disk ever holds more than
that. A Content-Length over the limit is refused before anything is read (UploadLimitMiddleware). Temporary
files left by a killed process are removed at start-up and by a daily task (`clean_upload_tmp`).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext as _

from conduct.apps.web.running import something_running

log = logging.getLogger("conduct.uploads")

# Room for the form's other fields and the multipart boundaries on top of the files' limit.
FORM_ALLOWANCE = 256 * 1024


class UploadTooLarge(RequestDataTooBig):
    """The files of a multipart request add up to more than the limit for its path."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(too_large_message(limit))


def too_large_message(limit: int) -> str:
    return str(_("The upload is larger than the limit of %(mb)s MB (%(bytes)s bytes).")) % {
        "mb": f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip("."),
        "bytes": limit,
    }


def upload_limit(path: str) -> int:
    """The largest total of file bytes a multipart request to `path` may carry."""
    for pattern, limit in settings.UPLOAD_LIMITS:
        if re.match(pattern, path):
            return int(limit)
    return int(settings.MAX_UPLOAD_BYTES)


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes chunks on to the memory/temporary-file handlers while the running
    total stays within the limit; past it, closes what they hold and stops the request."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit(request.path) if request is not None else int(settings.MAX_UPLOAD_BYTES)
        self.total = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if self.total > self.limit:
            self._close_siblings()
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _close_siblings(self) -> None:
        # The temporary-file handler's file is removed when closed: now, rather than at garbage collection.
        for handler in getattr(self.request, "upload_handlers", ()):
            file = getattr(handler, "file", None)
            if file is not None and not getattr(file, "closed", True):
                file.close()


def upload_tmp_dir() -> Path:
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def clean_upload_tmp(*, older_than_seconds: float) -> int:
    """Remove temporary upload files not written to for `older_than_seconds`; the number removed."""
    cutoff = time.time() - older_than_seconds
    removed = 0
    for entry in upload_tmp_dir().iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime <= cutoff:
                entry.unlink()
                removed += 1
        except FileNotFoundError:  # finished (and removed) by its request meanwhile
            continue
    if removed:
        log.info("removed stale upload files", extra={"count": removed})
    return removed


def clean_upload_tmp_at_start(home: Path) -> int:
    """At start-up: everything when no other server or worker uses `home`, else what is over an hour old."""
    return clean_upload_tmp(older_than_seconds=3600 if something_running(home) else -1)
