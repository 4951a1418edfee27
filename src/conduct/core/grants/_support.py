"""Ed25519 key helpers (shared with the ledger, from conduct.core._signing) and the UTC time text used in
grant tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from conduct.core._signing import generate_keypair, key_id_of, load_private_key, load_public_key

__all__ = ["format_at", "generate_keypair", "key_id_of", "load_private_key", "load_public_key", "parse_at"]

_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def format_at(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_at(text: object, *, where: str) -> datetime:
    if not isinstance(text, str) or not _AT.fullmatch(text):
        raise ValueError(f"{where}: expected UTC time like 2025-01-31T09:30:00.000000Z, found {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
