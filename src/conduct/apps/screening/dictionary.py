"""The name-dictionary file (core.screening._dictionary) of this installation: where it lives, who builds it,
and how a process checks it before use.

Built once per installed rigour (about 7 s, ~15 MB) by `conduct serve` before it forks its workers and by the
worker's daily job, in a child process, so that neither keeps the build's ~300 MB of working memory; every
other process (web workers, CLI calls, the task worker) then looks names up in the file instead of loading
that dictionary itself (5-20 s). The file lives beside the index artefacts (indexes.cache_dir(), storage that
several nodes may share) with an HMAC made with SECRET_KEY beside it: a file that does not verify is not used
(a process then falls back to rigour's dictionary) and the next build replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import mmap
import os
import tempfile
from pathlib import Path

from django.conf import settings

from conduct.apps.children import in_child
from conduct.apps.screening.indexes import cache_dir
from conduct.core.screening._dictionary import Dictionary, build, source_id

log = logging.getLogger("conduct.screening")


def path() -> Path:
    return cache_dir() / f"names-{source_id()}.sqlite3"


def _mac_path(file: Path) -> Path:
    return file.with_name(file.name + ".mac")


def _mac(file: Path) -> bytes:
    key = hashlib.sha256(b"conduct.screening.dictionary\x00" + settings.SECRET_KEY.encode()).digest()
    with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return hmac.new(key, mapped, hashlib.sha256).digest()


def open_file() -> Dictionary | None:
    """This installation's dictionary file when it is there and verifies; None otherwise (said in the log
    when a file is there but does not verify)."""
    file = path()
    try:
        stored = _mac_path(file).read_bytes()
        if not hmac.compare_digest(stored, _mac(file)):
            log.warning("name dictionary file does not verify; not used", extra={"path": str(file)})
            return None
        return Dictionary.open(file)
    except (OSError, ValueError) as error:  # missing, empty, unreadable; DictionaryError is a ValueError
        if file.exists():
            log.warning("name dictionary file not used: %s", error, extra={"path": str(file)})
        return None


def _write() -> None:
    file = path()
    started = os.times().elapsed
    count = build(file)
    handle, temp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".mac")
    with os.fdopen(handle, "wb") as out:
        out.write(_mac(file))
    os.replace(temp, _mac_path(file))
    for other in file.parent.glob("names-*.sqlite3*"):  # another rigour's
        if not other.name.startswith(file.name):
            other.unlink(missing_ok=True)
    seconds = round(os.times().elapsed - started, 1)
    log.info("built name dictionary file", extra={"forms": count, "s": seconds})


def ensure() -> bool:
    """Build the dictionary file unless a good one is there, in a child process (the build's working memory
    goes with it). Whether a good file is there afterwards; a failed build is logged."""
    if open_file() is not None:
        return True
    if not in_child(_write, log=log, failure="could not build the name dictionary file"):
        return False  # said in the log; the parent carries on without the file
    return open_file() is not None


__all__ = ["ensure", "open_file", "path"]
