"""Encryption at rest of grievance texts and files: AES-256-GCM with keys kept outside the database.

Keys live in CONDUCT_HOME/keys/grievances/ (GRIEVANCE_KEY_DIR), one file per key named `<key id>.key` (32
random bytes, created 0600, exclusively, so concurrent first uses agree on one key); the file `current`
names the key new values are sealed with. Every sealed value carries its key id (`g1:<key id>:<base64 of
nonce and ciphertext>`), so after a rotation (`conduct grievances rotate-key`: a new current key, every
stored value re-sealed with it) old values still open until they are re-sealed, and an old key may be
removed once nothing names it. The receipts' lookup key (`receipt.key`) is separate and never rotates:
rotating it would orphan every receipt.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "g1"


class KeyMissing(RuntimeError):
    """A sealed value names a key that is not in the key directory (restored without keys?)."""


def key_dir() -> Path:
    return Path(settings.GRIEVANCE_KEY_DIR)


def _create_exclusive(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: use theirs
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _new_key_id() -> str:
    return secrets.token_hex(4)


def current_key_id() -> str:
    """The id of the key new values are sealed with (made on first use)."""
    pointer = key_dir() / "current"
    if not pointer.exists():
        key_id = _new_key_id()
        _create_exclusive(key_dir() / f"{key_id}.key", secrets.token_bytes(32))
        _create_exclusive(pointer, key_id.encode())
    return pointer.read_text(encoding="ascii").strip()


def _key(key_id: str) -> bytes:
    if not key_id.isalnum():
        raise KeyMissing(key_id)
    path = key_dir() / f"{key_id}.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyMissing(key_id) from None


def seal_bytes(data: bytes, *, context: str) -> str:
    """`data` encrypted with the current key; `context` (e.g. "grievance.description") is bound to it, so a
    value copied into another field does not open there."""
    key_id = current_key_id()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(key_id)).encrypt(nonce, data, context.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def open_bytes(token: str, *, context: str) -> bytes:
    prefix, key_id, body = token.split(":", 2)
    if prefix != PREFIX:
        raise ValueError("not a sealed value")
    raw = base64.b64decode(body)
    try:
        return AESGCM(_key(key_id)).decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag:
        raise ValueError("the sealed value does not open with its key") from None


def seal(text: str, *, context: str) -> str:
    """A text sealed; the empty text stays empty (an optional field left blank)."""
    return seal_bytes(text.encode("utf-8"), context=context) if text else ""


def unseal(token: str, *, context: str) -> str:
    return open_bytes(token, context=context).decode("utf-8") if token else ""


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1] if token else ""


def rotate_current() -> str:
    """Make a new key the current one and return its id (re-sealing is the caller's: services.keys)."""
    key_id = _new_key_id()
    _create_exclusive(key_dir() / f"{key_id}.key", secrets.token_bytes(32))
    pointer = key_dir() / "current"
    tmp = key_dir() / f"current.{key_id}.tmp"
    _create_exclusive(tmp, key_id.encode())
    os.replace(tmp, pointer)
    return key_id


def lookup_key() -> bytes:
    """The receipts' HMAC key (separate from the sealing keys; never rotated)."""
    path = key_dir() / "receipt.key"
    if not path.exists():
        _create_exclusive(path, secrets.token_bytes(32))
    return path.read_bytes()
