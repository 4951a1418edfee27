"""Receipts: 16 random digits, shown once to the reporter and never stored.

The row keeps a lookup digest (HMAC-SHA256 under a key outside the database, so a copy of the database alone
cannot be searched for a receipt) and a slow hash (scrypt with a salt of its own), checked after the lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from conduct.apps.grievances.crypto import lookup_key

DIGITS = 16
_N, _R, _P = 2**14, 8, 1


def receipt_new() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def normalise(text: str) -> str | None:
    """The 16 digits of a receipt typed with spaces or dashes; None when it cannot be one."""
    digits = "".join(ch for ch in text if ch not in " -")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def receipt_lookup(receipt: str) -> str:
    return hmac.new(lookup_key(), receipt.encode(), hashlib.sha256).hexdigest()


def receipt_hash(receipt: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(receipt.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def receipt_matches(receipt: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(receipt.encode(), salt=base64.b64decode(salt_b64), n=_N, r=_R, p=_P, dklen=32)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))
