"""Device-access grants: a customer's signed, scoped, time-bound permission for vendor support to act on
one of its devices, and the check made before every access.

Token: base64url(payload) "." base64url(signature), unpadded. The payload is canonical JSON (sorted keys,
no whitespace) carrying "context": "conduct/device-grant/v1" and the signing key's id; the Ed25519
signature covers the payload segment exactly as it appears in the token, so nothing is re-encoded before
checking.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ._support import format_at, key_id_of, load_private_key, load_public_key, parse_at

GRANT_CONTEXT = "conduct/device-grant/v1"
GRANT_SCOPES = ("view_live", "read_logs", "update_firmware", "configure")
MAX_TOKEN_LENGTH = 8192

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_PAYLOAD_KEYS = frozenset(
    {
        "context",
        "key_id",
        "grant_id",
        "device_id",
        "customer_id",
        "grantee",
        "scopes",
        "not_before",
        "expires_at",
        "nonce",
    }
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Grant:
    """What the customer allowed: who (grantee) may do what (scopes) on which device, and when."""

    grant_id: str
    device_id: str
    customer_id: str
    grantee: str  # e.g. "vendor-support:team-emea" or "user:41"
    scopes: tuple[str, ...]  # from GRANT_SCOPES
    not_before: datetime  # timezone-aware
    expires_at: datetime  # timezone-aware, after not_before
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def __post_init__(self) -> None:
        for name in ("grant_id", "device_id", "customer_id", "grantee", "nonce"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if not isinstance(self.scopes, tuple) or not self.scopes:
            raise ValueError("scopes must be a non-empty tuple")
        unknown = [scope for scope in self.scopes if scope not in GRANT_SCOPES]
        if unknown:
            raise ValueError(
                f"unknown scope(s) {', '.join(map(repr, unknown))}; known: {', '.join(GRANT_SCOPES)}"
            )
        if len(set(self.scopes)) != len(self.scopes):
            raise ValueError("scopes must not repeat")
        for name in ("not_before", "expires_at"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ValueError(f"{name} must be a timezone-aware datetime")
        if self.expires_at <= self.not_before:
            raise ValueError("expires_at must be after not_before")


class GrantReason(StrEnum):
    """Why a grant check passed or failed; the values are the words shown to people and logged."""

    OK = "ok"
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad signature"
    WRONG_DEVICE = "wrong device"
    REVOKED = "revoked"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    SCOPE_NOT_GRANTED = "scope not granted"


@dataclass(frozen=True, kw_only=True, slots=True)
class GrantCheck:
    """The answer to "may this access happen now?"; grant is set once the signature has verified."""

    ok: bool
    reason: GrantReason
    detail: str
    grant: Grant | None = None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(segment: str) -> bytes:
    if not _SEGMENT.fullmatch(segment):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def sign_grant(private_pem: bytes, grant: Grant) -> str:
    """The compact token for a grant, signed with the vendor's grant-signing key."""
    key = load_private_key(private_pem)
    payload = {
        "context": GRANT_CONTEXT,
        "key_id": key_id_of(key.public_key()),
        "grant_id": grant.grant_id,
        "device_id": grant.device_id,
        "customer_id": grant.customer_id,
        "grantee": grant.grantee,
        "scopes": list(grant.scopes),
        "not_before": format_at(grant.not_before),
        "expires_at": format_at(grant.expires_at),
        "nonce": grant.nonce,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    segment = _b64url(text.encode("utf-8"))
    return f"{segment}.{_b64url(key.sign(segment.encode('ascii')))}"


def _grant_from_payload(payload: Any, *, key_id: str) -> Grant:
    if not isinstance(payload, dict):
        raise ValueError("payload is not a JSON object")
    keys = set(payload)
    if keys != _PAYLOAD_KEYS:
        missing, unknown = sorted(_PAYLOAD_KEYS - keys), sorted(keys - _PAYLOAD_KEYS)
        raise ValueError(f"payload fields: missing {missing or 'none'}, unknown {unknown or 'none'}")
    if payload["context"] != GRANT_CONTEXT:
        raise ValueError(f"not a device grant (context {payload['context']!r})")
    if payload["key_id"] != key_id:
        # Signed by this key, so this only happens if the signer wrote the wrong id.
        raise ValueError("key_id does not match the verifying key")
    scopes = payload["scopes"]
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise ValueError("scopes must be a list of strings")
    return Grant(
        grant_id=payload["grant_id"],
        device_id=payload["device_id"],
        customer_id=payload["customer_id"],
        grantee=payload["grantee"],
        scopes=tuple(scopes),
        not_before=parse_at(payload["not_before"], where="not_before"),
        expires_at=parse_at(payload["expires_at"], where="expires_at"),
        nonce=payload["nonce"],
    )


def verify_grant(
    public_pem: bytes,
    token: str,
    *,
    now: datetime,
    device_id: str,
    scope: str,
    revoked_ids: frozenset[str] = frozenset(),
) -> GrantCheck:
    """Check a token before an access: signature, device, revocation, validity window, then scope.

    The first failing check is the reason; the window is not_before <= now < expires_at.
    """
    key = load_public_key(public_pem)
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    grant = _signed_grant(key, token)
    if isinstance(grant, GrantCheck):
        return grant
    if grant.device_id != device_id:
        return _refuse(
            GrantReason.WRONG_DEVICE, f"grant is for device {grant.device_id}, not {device_id}", grant
        )
    if grant.grant_id in revoked_ids:
        return _refuse(GrantReason.REVOKED, f"grant {grant.grant_id} was revoked", grant)
    if now < grant.not_before:
        return _refuse(GrantReason.NOT_YET_VALID, f"valid from {format_at(grant.not_before)}", grant)
    if now >= grant.expires_at:
        return _refuse(GrantReason.EXPIRED, f"expired at {format_at(grant.expires_at)}", grant)
    if scope not in grant.scopes:
        return _refuse(
            GrantReason.SCOPE_NOT_GRANTED,
            f"{scope!r} not among granted scopes {', '.join(grant.scopes)}",
            grant,
        )
    return GrantCheck(
        ok=True,
        reason=GrantReason.OK,
        detail=f"{grant.grantee} may {scope} on {device_id} until {format_at(grant.expires_at)}",
        grant=grant,
    )


def _refuse(reason: GrantReason, detail: str, grant: Grant | None = None) -> GrantCheck:
    return GrantCheck(ok=False, reason=reason, detail=detail, grant=grant)


def _signed_grant(key: Ed25519PublicKey, token: str) -> Grant | GrantCheck:
    """The grant a well-formed token carries once its signature has verified, else the refusal."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return _refuse(GrantReason.MALFORMED, f"token must be text of at most {MAX_TOKEN_LENGTH} characters")
    parts = token.strip().split(".")
    if len(parts) != 2:
        return _refuse(GrantReason.MALFORMED, "token must be two base64url segments joined by '.'")
    segment, signature_text = parts
    try:
        payload_bytes = _unb64url(segment)
        signature = _unb64url(signature_text)
    except (ValueError, binascii.Error):
        return _refuse(GrantReason.MALFORMED, "token segments are not base64url")
    try:
        key.verify(signature, segment.encode("ascii"))
    except InvalidSignature:
        return _refuse(GrantReason.BAD_SIGNATURE, "signature does not verify with this public key")
    try:
        return _grant_from_payload(json.loads(payload_bytes.decode("utf-8")), key_id=key_id_of(key))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return _refuse(GrantReason.MALFORMED, f"payload: {exc}")
