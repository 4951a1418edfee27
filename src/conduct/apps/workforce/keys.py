"""The installation's key for worker references: generated once in CONDUCT_HOME/keys (0600), created
exclusively so concurrent first uses agree on one key. A worker reference is stored only as its HMAC-SHA256
under this key, so the same worker is recognised across imports while the reference itself is never kept."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings


def _key() -> bytes:
    return _key_at(str(settings.WORKFORCE["WORKER_KEY_PATH"]))


@functools.lru_cache(maxsize=4)
def _key_at(location: str) -> bytes:
    path = Path(location)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def worker_hash(reference: str) -> str:
    """The stored form of a pseudonymous worker reference (hex HMAC-SHA256)."""
    return hmac.new(_key(), reference.strip().encode("utf-8"), hashlib.sha256).hexdigest()
