"""The ledger actions the audit app itself writes (other apps name theirs as plain strings)."""

from __future__ import annotations

from enum import StrEnum


class LedgerAction(StrEnum):
    CHECKPOINT = "ledger.checkpoint"  # a checkpoint signed on request (automatic ones are not ledgered)
    KEY_ROTATE = "ledger.key_rotate"  # the signing key replaced; the entry names both keys' fingerprints


# The object type of the key rotation entries: object_id is the new key's id.
LEDGER_KEY = "ledger_key"
