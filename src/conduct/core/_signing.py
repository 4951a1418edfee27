"""Ed25519 key helpers shared by the ledger's checkpoints and the device-access grants."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from conduct.core._i18n import message
from conduct.core._i18n import noop as N_

__all__ = ["generate_keypair", "key_id_of", "load_private_key", "load_public_key"]


def generate_keypair() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM), unencrypted."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def load_private_key(private_pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(private_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"private key: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"private key: expected Ed25519, found {type(key).__name__}")
    return key


def load_public_key(public_pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError) as exc:
        raise ValueError(message(N_("public key: not a PEM public key ({error})"), error=str(exc))) from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(message(N_("public key: expected Ed25519, found {kind}"), kind=type(key).__name__))
    return key


def key_id_of(key: Ed25519PublicKey) -> str:
    """First 16 hex digits of sha256 over the raw 32-byte public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]
