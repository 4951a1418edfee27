"""Signed, versioned revocation lists: the grants the vendor or the customer withdrew, as one compact token a
device can check offline with the same public key as the grants.

Token: base64url(payload) "." base64url(Ed25519 signature over the payload segment), like a grant. The payload
is canonical JSON: {"context": "conduct/grant-revocations/v1", "key_id", "version" (an integer that only
grows),
"issued_at" (UTC text), "revoked": [grant ids, sorted]}. A device keeps the highest version it has seen and
refuses an older one (a replayed list could un-revoke a grant).
"""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature

from ._grant import MAX_TOKEN_LENGTH, _b64url, _unb64url
from ._support import format_at, key_id_of, load_private_key, load_public_key, parse_at

REVOCATIONS_CONTEXT = "conduct/grant-revocations/v1"
MAX_REVOCATIONS_LENGTH = 1024 * 1024
_KEYS = frozenset({"context", "key_id", "version", "issued_at", "revoked"})


@dataclass(frozen=True, kw_only=True, slots=True)
class RevocationList:
    """Which grant ids are revoked, as of which version of the list."""

    version: int
    issued_at: datetime
    revoked: frozenset[str]


class RevocationListError(ValueError):
    """The revocation list does not verify or is not one: the device must not trust it."""


def sign_revocations(
    private_pem: bytes, *, version: int, issued_at: datetime, revoked: frozenset[str]
) -> str:
    """The signed token of a revocation list (version >= 1, timezone-aware issued_at)."""
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("version must be a positive integer")
    if issued_at.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    key = load_private_key(private_pem)
    payload = {
        "context": REVOCATIONS_CONTEXT,
        "key_id": key_id_of(key.public_key()),
        "version": version,
        "issued_at": format_at(issued_at),
        "revoked": sorted(revoked),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    segment = _b64url(text.encode("utf-8"))
    return f"{segment}.{_b64url(key.sign(segment.encode('ascii')))}"


def verify_revocations(public_pem: bytes, token: str, *, min_version: int = 0) -> RevocationList:
    """The revocation list in `token` if it verifies with `public_pem` and is not older than `min_version`;
    raises RevocationListError saying why otherwise."""
    key = load_public_key(public_pem)
    if not isinstance(token, str) or len(token) > MAX_REVOCATIONS_LENGTH:
        raise RevocationListError(
            f"revocation list must be text of at most {MAX_REVOCATIONS_LENGTH} characters"
        )
    parts = token.strip().split(".")
    if len(parts) != 2:
        raise RevocationListError("revocation list must be two base64url segments joined by '.'")
    try:
        payload_bytes, signature = _unb64url(parts[0]), _unb64url(parts[1])
    except (ValueError, binascii.Error):
        raise RevocationListError("revocation list segments are not base64url") from None
    try:
        key.verify(signature, parts[0].encode("ascii"))
    except InvalidSignature:
        raise RevocationListError("revocation list signature does not verify with this public key") from None
    try:
        payload = json.loads(payload_bytes.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RevocationListError("revocation list payload is not JSON") from None
    if not isinstance(payload, dict) or set(payload) != _KEYS:
        raise RevocationListError(f"revocation list payload must have exactly the fields {sorted(_KEYS)}")
    if payload["context"] != REVOCATIONS_CONTEXT:
        raise RevocationListError(f"not a revocation list (context {payload['context']!r})")
    if payload["key_id"] != key_id_of(key):
        raise RevocationListError("key_id does not match the verifying key")
    version, revoked = payload["version"], payload["revoked"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RevocationListError("version must be a positive integer")
    if version < min_version:
        raise RevocationListError(f"revocation list version {version} is older than version {min_version}")
    if not isinstance(revoked, list) or not all(isinstance(g, str) and g for g in revoked):
        raise RevocationListError("revoked must be a list of grant ids")
    try:
        issued_at = parse_at(payload["issued_at"], where="issued_at")
    except ValueError as exc:
        raise RevocationListError(str(exc)) from None
    return RevocationList(version=version, issued_at=issued_at, revoked=frozenset(revoked))


__all__ = [
    "MAX_TOKEN_LENGTH",
    "REVOCATIONS_CONTEXT",
    "RevocationList",
    "RevocationListError",
    "sign_revocations",
    "verify_revocations",
]
