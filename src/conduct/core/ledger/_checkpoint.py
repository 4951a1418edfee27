"""Ed25519 keys and signed checkpoints: a signature over (seq, head hash, time) that anchors the chain.

Whoever holds the public key can then tell that entries up to that seq existed, unaltered, when the
checkpoint was signed; rewriting history would need the private key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from conduct.core._i18n import noop as N_
from conduct.core._signing import generate_keypair as generate_keypair
from conduct.core._signing import key_id_of as key_id_of
from conduct.core._signing import load_private_key as load_private_key
from conduct.core._signing import load_public_key as load_public_key

from ._record import (
    LedgerFormatError,
    check_hex64,
    dumps_canonical,
    format_at,
    format_error,
    load_json_object,
    parse_at,
)

# Signed bytes start with this context so a checkpoint signature can never pass for another kind of
# signed object made with the same key (a device-access grant, say).
CHECKPOINT_CONTEXT = "conduct/ledger-checkpoint/v1"
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_CHECKPOINT_KEYS = frozenset({"type", "seq", "head_hash", "at", "key_id", "signature"})


def public_key_id(public_pem: bytes) -> str:
    """The key id: first 16 hex digits of sha256 over the raw 32-byte public key."""
    return key_id_of(load_public_key(public_pem))


def public_key_fingerprint(public_pem: bytes) -> str:
    """The key's published fingerprint: all 64 hex digits of sha256 over the raw 32-byte public key (the
    key id is its first 16)."""
    raw = load_public_key(public_pem).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class Checkpoint:
    """The signed statement: "entry `seq` of the ledger had hash `head_hash`", made at `at` by `key_id`."""

    seq: int  # 0 signs the empty ledger (head_hash = genesis)
    head_hash: str
    at: datetime
    key_id: str

    def signing_bytes(self) -> bytes:
        """Canonical JSON of the checkpoint plus the context string; what the signature covers."""
        return dumps_canonical(
            {
                "context": CHECKPOINT_CONTEXT,
                "seq": self.seq,
                "head_hash": self.head_hash,
                "at": format_at(self.at),
                "key_id": self.key_id,
            }
        ).encode("utf-8")


@dataclass(frozen=True, kw_only=True, slots=True)
class SignedCheckpoint:
    """A checkpoint and its Ed25519 signature (standard base64)."""

    checkpoint: Checkpoint
    signature: str

    def to_dict(self) -> dict[str, Any]:
        """The export form: {"type": "checkpoint", "seq", "head_hash", "at", "key_id", "signature"}."""
        cp = self.checkpoint
        return {
            "type": "checkpoint",
            "seq": cp.seq,
            "head_hash": cp.head_hash,
            "at": format_at(cp.at),
            "key_id": cp.key_id,
            "signature": self.signature,
        }

    def to_json(self) -> str:
        return dumps_canonical(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "checkpoint") -> SignedCheckpoint:
        """Read the export form back; a LedgerFormatError names `where` and the field at fault."""
        if not isinstance(data, Mapping):
            raise format_error(where, N_("expected an object, found {kind}"), kind=type(data).__name__)
        if data.get("type", "checkpoint") != "checkpoint":
            raise format_error(where, N_("expected type 'checkpoint', found {kind!r}"), kind=data.get("type"))
        keys = set(data) | {"type"}
        missing = sorted(_CHECKPOINT_KEYS - keys)
        if missing:
            raise format_error(where, N_("missing field(s) {fields}"), fields=", ".join(missing))
        unknown = sorted(keys - _CHECKPOINT_KEYS)
        if unknown:
            raise format_error(where, N_("unknown field(s) {fields}"), fields=", ".join(unknown))
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise format_error(where, N_("seq: expected an integer >= 0, found {seq!r}"), seq=seq)
        key_id = data["key_id"]
        if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
            raise format_error(
                where, N_("key_id: expected 16 lower-case hex digits, found {key_id!r}"), key_id=key_id
            )
        signature = data["signature"]
        if not isinstance(signature, str) or not signature:
            raise format_error(where, N_("signature: expected base64 text, found {value!r}"), value=signature)
        try:
            head_hash = check_hex64(data["head_hash"], where="head_hash")
            at = parse_at(data["at"])
        except LedgerFormatError as exc:
            raise format_error(where, "{error}", error=exc.text) from None
        checkpoint = Checkpoint(seq=seq, head_hash=head_hash, at=at, key_id=key_id)
        return cls(checkpoint=checkpoint, signature=signature)

    @classmethod
    def from_json(cls, text: str, *, where: str = "checkpoint") -> SignedCheckpoint:
        return cls.from_dict(load_json_object(text, where=where), where=where)


def sign_checkpoint(private_pem: bytes, *, seq: int, head_hash: str, at: datetime) -> SignedCheckpoint:
    """Sign "entry `seq` has hash `head_hash`" with the ledger's private key."""
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError(f"seq must be an integer >= 0, got {seq!r}")
    check_hex64(head_hash, where="head_hash")
    key = load_private_key(private_pem)
    checkpoint = Checkpoint(seq=seq, head_hash=head_hash, at=at, key_id=key_id_of(key.public_key()))
    signature = key.sign(checkpoint.signing_bytes())
    return SignedCheckpoint(checkpoint=checkpoint, signature=base64.b64encode(signature).decode("ascii"))


def checkpoint_signature_valid(key: Ed25519PublicKey, signed: SignedCheckpoint) -> bool:
    if signed.checkpoint.key_id != key_id_of(key):
        return False
    try:
        signature = base64.b64decode(signed.signature, validate=True)
        key.verify(signature, signed.checkpoint.signing_bytes())
    except (InvalidSignature, binascii.Error, ValueError, LedgerFormatError):
        return False
    return True


def verify_checkpoint(public_pem: bytes, signed: SignedCheckpoint) -> bool:
    """True when the signature is valid for this public key and the key id matches it."""
    return checkpoint_signature_valid(load_public_key(public_pem), signed)
