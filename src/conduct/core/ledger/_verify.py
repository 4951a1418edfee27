"""Streaming verification of a hash chain: sequence, links and hashes, stopping at the first failure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conduct.core._i18n import message
from conduct.core._i18n import noop as N_

from ._record import GENESIS_HASH, LedgerFormatError, LedgerRecord, check_hex64, compute_hash


@dataclass(frozen=True, kw_only=True, slots=True)
class VerifyResult:
    """Outcome of verify_chain. Entries before failed_seq verified; failed_seq is the first that did not."""

    ok: bool
    count: int  # entries verified
    head_seq: int  # seq of the last verified entry (start_seq - 1 when none verified)
    head_hash: str  # hash of the last verified entry (the starting prev_hash when none verified)
    failed_seq: int | None = None
    reason: str | None = None


class ChainCursor:
    """The running state of a verification; holds one seq and one hash, so memory stays constant."""

    __slots__ = ("count", "head_hash", "next_seq", "start_seq")

    def __init__(self, *, start_seq: int, prev_hash: str) -> None:
        self.start_seq = start_seq
        self.next_seq = start_seq
        self.head_hash = prev_hash
        self.count = 0

    @property
    def head_seq(self) -> int:
        return self.next_seq - 1

    def feed(self, record: LedgerRecord) -> str | None:
        """Check one entry against the chain so far; returns the reason it fails, or None and advances."""
        expected = self.next_seq
        seq = record.seq
        if not isinstance(seq, int) or isinstance(seq, bool):
            return message(N_("malformed entry: seq must be an integer, found {seq!r}"), seq=seq)
        if seq != expected:
            if self.count and seq == expected - 1:
                return message(N_("duplicate seq {seq}: expected seq {expected}"), seq=seq, expected=expected)
            if seq > expected:
                return message(N_("gap: expected seq {expected}, found {seq}"), seq=seq, expected=expected)
            return message(
                N_("out of order: expected seq {expected}, found {seq}"), seq=seq, expected=expected
            )
        if record.prev_hash != self.head_hash:
            if self.count:
                return message(N_("prev_hash does not match entry {seq}'s hash"), seq=expected - 1)
            if expected == 1 and self.head_hash == GENESIS_HASH:
                return message(N_("prev_hash does not match the genesis hash"))
            return message(
                N_("prev_hash does not match the expected starting hash (entry {seq})"), seq=expected - 1
            )
        try:
            computed = compute_hash(record)
        except LedgerFormatError as exc:
            return message(N_("malformed entry: {error}"), error=exc.text)
        if computed != record.hash:
            return message(
                N_("hash mismatch: stored {stored}…, computed {computed}…"),
                stored=str(record.hash)[:16],
                computed=computed[:16],
            )
        self.head_hash = computed
        self.next_seq = expected + 1
        self.count += 1
        return None


def verify_chain(
    records: Iterable[LedgerRecord],
    *,
    start_seq: int = 1,
    prev_hash: str = GENESIS_HASH,
) -> VerifyResult:
    """Verify entries in seq order, streaming; stops at the first failure and names its seq and reason.

    For a partial check (a later slice, or chunks of a long ledger) pass the first seq expected and the
    hash of the entry before it; for a full check the defaults (seq 1, genesis) apply.
    """
    if not isinstance(start_seq, int) or isinstance(start_seq, bool) or start_seq < 1:
        raise ValueError(f"start_seq must be an integer >= 1, got {start_seq!r}")
    check_hex64(prev_hash, where="prev_hash")
    cursor = ChainCursor(start_seq=start_seq, prev_hash=prev_hash)
    for record in records:
        reason = cursor.feed(record)
        if reason is not None:
            return VerifyResult(
                ok=False,
                count=cursor.count,
                head_seq=cursor.head_seq,
                head_hash=cursor.head_hash,
                failed_seq=cursor.next_seq,
                reason=reason,
            )
    return VerifyResult(ok=True, count=cursor.count, head_seq=cursor.head_seq, head_hash=cursor.head_hash)
