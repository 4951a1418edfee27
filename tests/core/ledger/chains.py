"""Builders for ledger tests: a valid chain of any length, and single-field tampering."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from conduct.core.ledger import GENESIS_HASH, LedgerRecord, seal_record

T0 = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def make_chain(length: int, *, start_seq: int = 1, prev_hash: str = GENESIS_HASH) -> list[LedgerRecord]:
    records = []
    for seq in range(start_seq, start_seq + length):
        record = seal_record(
            seq=seq,
            at=T0 + timedelta(minutes=seq, microseconds=seq),
            actor="user:12:officer" if seq % 2 else "system",
            action="supplier.update",
            object_type="supplier",
            object_id=str(100 + seq),
            summary={
                "changes": {"status": ["pending", "approved"], "notes": {"lines": [f"line {seq}", "ü"]}}
            },
            prev_hash=prev_hash,
        )
        records.append(record)
        prev_hash = record.hash
    return records


def _other_summary(summary: Any) -> dict[str, Any]:
    changed = {"changes": dict(summary["changes"])}
    changed["changes"]["notes"] = {"lines": [*summary["changes"]["notes"]["lines"][:-1], "u"]}
    return changed


# One mutation per stored field: each changes that field only, to a value of the right type.
TAMPERINGS = {
    "seq": lambda r: replace(r, seq=r.seq + 7),
    "at": lambda r: replace(r, at=r.at + timedelta(microseconds=1)),
    "actor": lambda r: replace(r, actor="user:13:officer"),
    "action": lambda r: replace(r, action="supplier.delete"),
    "object_type": lambda r: replace(r, object_type="product"),
    "object_id": lambda r: replace(r, object_id=r.object_id + "0"),
    "summary nested value": lambda r: replace(r, summary=_other_summary(r.summary)),
    "prev_hash": lambda r: replace(r, prev_hash="f" * 64),
    "hash": lambda r: replace(r, hash="e" * 64),
}
