"""The JSON-lines export of the ledger and its verification by an outsider holding the public key.

Format (docs/audit-ledger.md): an optional header line, then entry lines in seq order, each followed by
the checkpoint lines that sign that entry's hash. Verification streams: memory stays constant apart from
checkpoints handed over as a separate list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from conduct.core._i18n import Message, message
from conduct.core._i18n import noop as N_

from ._checkpoint import SignedCheckpoint, checkpoint_signature_valid, key_id_of, load_public_key
from ._record import (
    GENESIS_HASH,
    LedgerFormatError,
    LedgerRecord,
    check_hex64,
    dumps_canonical,
    format_error,
    load_json_object,
    record_from_object,
    record_to_json,
)
from ._verify import ChainCursor

EXPORT_FORMAT = "conduct-audit-ledger"
EXPORT_VERSION = 1
_HEADER_KEYS = frozenset({"type", "format", "version", "start_seq", "prev_hash"})


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportVerifyResult:
    """Outcome of verify_export; on failure `reason` names the first problem, `line` and `failed_seq`
    where."""

    ok: bool
    entries_verified: int
    checkpoints_verified: int
    signatures_checked: bool  # False when no public key was given: checkpoints matched hashes only
    first_seq: int  # the seq the export starts at (header start_seq, else 1)
    head_seq: int  # last verified entry (first_seq - 1 when none)
    head_hash: str
    authenticated_seq: int | None  # highest seq covered by a checkpoint whose signature verified
    reason: str | None = None
    line: int | None = None  # 1-based line of the export; None for problems in the separate list
    failed_seq: int | None = None

    @property
    def message(self) -> str:
        """One line for people: "ok: 120 entries..." or "line 7 (seq 6): prev_hash does not match..."."""
        return str(self.text)

    @property
    def text(self) -> Message:
        """message as a Message (its translated() is in the CLI's language)."""
        if self.ok:
            signed = (
                message(N_("signatures verified through seq {seq}"), seq=self.authenticated_seq)
                if self.authenticated_seq is not None
                else message(N_("no signed checkpoint verified"))
            )
            return message(
                N_("ok: {entries} entries (seq {first}..{head}), {checkpoints} checkpoints; {signed}"),
                entries=self.entries_verified,
                first=self.first_seq,
                head=self.head_seq,
                checkpoints=self.checkpoints_verified,
                signed=signed,
            )
        if self.line is not None and self.failed_seq is not None:
            where = message(N_("line {line} (seq {seq})"), line=self.line, seq=self.failed_seq)
        elif self.line is not None:
            where = message(N_("line {line}"), line=self.line)
        elif self.failed_seq is None:
            return message(N_("export: {reason}"), reason=self.reason)
        else:
            where = message(N_("seq {seq}"), seq=self.failed_seq)
        return message(N_("{where}: {reason}"), where=where, reason=self.reason)


def header_line(*, start_seq: int = 1, prev_hash: str = GENESIS_HASH) -> str:
    """The header: where the export starts and the hash of the entry before it (genesis for seq 1)."""
    check_hex64(prev_hash, where="prev_hash")
    return dumps_canonical(
        {
            "type": "header",
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "start_seq": start_seq,
            "prev_hash": prev_hash,
        }
    )


def export_lines(
    records: Iterable[LedgerRecord],
    *,
    checkpoints: Iterable[SignedCheckpoint] = (),
    start_seq: int = 1,
    prev_hash: str = GENESIS_HASH,
) -> Iterator[str]:
    """Write the export: header, entries in order, each checkpoint right after the entry it signs.

    Yields lines ending in "\\n". Raises ValueError for a checkpoint whose entry is not exported: a
    checkpoint that cannot be placed is an error, not something to leave out quietly.
    """
    pending = sorted(checkpoints, key=lambda signed: signed.checkpoint.seq)
    index = 0
    yield header_line(start_seq=start_seq, prev_hash=prev_hash) + "\n"
    last_seq = start_seq - 1
    while index < len(pending) and pending[index].checkpoint.seq <= last_seq:
        if pending[index].checkpoint.seq < last_seq:
            raise ValueError(f"checkpoint at seq {pending[index].checkpoint.seq} precedes the export")
        yield pending[index].to_json() + "\n"
        index += 1
    for record in records:
        yield record_to_json(record) + "\n"
        last_seq = record.seq
        while index < len(pending) and pending[index].checkpoint.seq <= last_seq:
            if pending[index].checkpoint.seq < last_seq:
                raise ValueError(
                    f"checkpoint at seq {pending[index].checkpoint.seq} has no entry in the export"
                )
            yield pending[index].to_json() + "\n"
            index += 1
    if index < len(pending):
        raise ValueError(
            f"checkpoint at seq {pending[index].checkpoint.seq} is past the last exported entry ({last_seq})"
        )


class _Failure(Exception):
    def __init__(self, reason: str, *, line: int | None = None, seq: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.seq = seq


class _ExportCheck:
    """Verification state; fail() raises _Failure, caught once in verify_export."""

    def __init__(self, keys: Mapping[str, Ed25519PublicKey] | None) -> None:
        self.keys = keys
        self.cursor: ChainCursor | None = None
        # Checkpoints handed over as a separate list, by seq, each with its label ("checkpoints[3]").
        self.pending: dict[int, list[tuple[str, SignedCheckpoint]]] = {}
        self.checkpoints_verified = 0
        self.authenticated_seq: int | None = None

    def add_checkpoints(self, checkpoints: Iterable[Mapping[str, Any]]) -> None:
        """The checkpoints handed over as a separate list, to check as their entries arrive."""
        for index, raw in enumerate(checkpoints):
            label = f"checkpoints[{index}]"
            try:
                signed = SignedCheckpoint.from_dict(raw, where=label)
            except LedgerFormatError as exc:
                raise _Failure(exc.text) from None
            self.pending.setdefault(signed.checkpoint.seq, []).append((label, signed))

    def feed(self, obj: Mapping[str, Any], *, line: int, where: str) -> None:
        """One line of the export, read as a JSON object."""
        kind = obj.get("type")
        if kind == "header":
            if self.cursor is not None:
                raise _Failure(message(N_("the header must come before any entry or checkpoint")), line=line)
            start_seq, prev_hash = _header(obj, where=where)
            self.start(start_seq=start_seq, prev_hash=prev_hash, line=line)
        elif kind == "entry":
            cursor = self.chain(line=line)
            record = record_from_object(obj, where=where)
            reason = cursor.feed(record)
            if reason is not None:
                raise _Failure(reason, line=line, seq=cursor.next_seq)
            self.check_pending(line=line)
        elif kind == "checkpoint":
            self.chain(line=line)
            signed = SignedCheckpoint.from_dict(obj, where=where)
            self.check_checkpoint(signed, label=None, line=line)
        else:
            raise _Failure(
                message(N_("unknown line type {kind!r} (expected header, entry or checkpoint)"), kind=kind),
                line=line,
            )

    def finish(self) -> None:
        """After the last line: every checkpoint of the separate list must have met its entry."""
        cursor = self.chain(line=None)
        if self.pending:
            seq = min(self.pending)
            label = self.pending[seq][0][0]
            raise _Failure(
                message(
                    N_("{label}: checkpoint at seq {seq} has no entry in the export (it ends at seq {head})"),
                    label=label,
                    seq=seq,
                    head=cursor.head_seq,
                ),
                seq=seq,
            )

    def result(self, failure: _Failure | None) -> ExportVerifyResult:
        cursor = self.cursor or ChainCursor(start_seq=1, prev_hash=GENESIS_HASH)
        return ExportVerifyResult(
            ok=failure is None,
            entries_verified=cursor.count,
            checkpoints_verified=self.checkpoints_verified,
            signatures_checked=self.keys is not None,
            first_seq=cursor.start_seq,
            head_seq=cursor.head_seq,
            head_hash=cursor.head_hash,
            authenticated_seq=self.authenticated_seq,
            reason=failure.reason if failure is not None else None,
            line=failure.line if failure is not None else None,
            failed_seq=failure.seq if failure is not None else None,
        )

    def start(self, *, start_seq: int, prev_hash: str, line: int | None) -> ChainCursor:
        self.cursor = ChainCursor(start_seq=start_seq, prev_hash=prev_hash)
        for seq in [s for s in self.pending if s < start_seq - 1]:
            label = self.pending[seq][0][0]
            raise _Failure(
                message(
                    N_("{label}: checkpoint at seq {seq} precedes the export (starts at seq {start})"),
                    label=label,
                    seq=seq,
                    start=start_seq,
                )
            )
        self.check_pending(line=line)
        return self.cursor

    def chain(self, *, line: int | None) -> ChainCursor:
        return self.cursor or self.start(start_seq=1, prev_hash=GENESIS_HASH, line=line)

    def check_pending(self, *, line: int | None) -> None:
        assert self.cursor is not None
        for label, signed in self.pending.pop(self.cursor.head_seq, ()):
            self.check_checkpoint(signed, label=label, line=line)

    def check_checkpoint(self, signed: SignedCheckpoint, *, label: str | None, line: int | None) -> None:
        assert self.cursor is not None
        cp = signed.checkpoint
        where = (
            message(N_("{label}: checkpoint at seq {seq}"), label=label, seq=cp.seq)
            if label
            else message(N_("checkpoint at seq {seq}"), seq=cp.seq)
        )
        if cp.seq != self.cursor.head_seq:
            raise _Failure(
                message(
                    N_("{where} must directly follow entry {seq} (it follows seq {head})"),
                    where=where,
                    seq=cp.seq,
                    head=self.cursor.head_seq,
                ),
                line=line,
                seq=cp.seq,
            )
        if cp.head_hash != self.cursor.head_hash:
            raise _Failure(
                message(N_("{where}: head_hash does not match entry {seq}'s hash"), where=where, seq=cp.seq),
                line=line,
                seq=cp.seq,
            )
        if self.keys is not None:
            key = self.keys.get(cp.key_id)
            if key is None:
                raise _Failure(
                    message(N_("{where}: signed by unknown key id {key_id}"), where=where, key_id=cp.key_id),
                    line=line,
                    seq=cp.seq,
                )
            if not checkpoint_signature_valid(key, signed):
                raise _Failure(message(N_("{where}: bad signature"), where=where), line=line, seq=cp.seq)
            self.authenticated_seq = max(cp.seq, self.authenticated_seq or 0)
        self.checkpoints_verified += 1


def _public_keys(public_pem: bytes | Sequence[bytes] | None) -> dict[str, Ed25519PublicKey] | None:
    if public_pem is None:
        return None
    pems = [public_pem] if isinstance(public_pem, bytes | bytearray) else list(public_pem)
    if not pems:
        raise ValueError("public_pem: give at least one key, or None to skip signature checks")
    keys = [load_public_key(bytes(pem)) for pem in pems]
    return {key_id_of(key): key for key in keys}


def _header(obj: Mapping[str, Any], *, where: str) -> tuple[int, str]:
    unknown = sorted(set(obj) - _HEADER_KEYS)
    if unknown:
        raise format_error(where, N_("unknown header field(s) {fields}"), fields=", ".join(unknown))
    if obj.get("format") != EXPORT_FORMAT:
        raise format_error(
            where,
            N_("format must be {expected!r}, found {value!r}"),
            expected=EXPORT_FORMAT,
            value=obj.get("format"),
        )
    if obj.get("version") != EXPORT_VERSION:
        raise format_error(where, N_("unsupported version {value!r}"), value=obj.get("version"))
    start_seq = obj.get("start_seq", 1)
    if not isinstance(start_seq, int) or isinstance(start_seq, bool) or start_seq < 1:
        raise format_error(where, N_("start_seq: expected an integer >= 1, found {value!r}"), value=start_seq)
    prev_hash = obj.get("prev_hash", GENESIS_HASH)
    try:
        check_hex64(prev_hash, where="prev_hash")
    except LedgerFormatError as exc:
        raise format_error(where, "{error}", error=exc.text) from None
    if start_seq == 1 and prev_hash != GENESIS_HASH:
        raise format_error(where, N_("an export starting at seq 1 must have the genesis prev_hash"))
    return start_seq, str(prev_hash)


def _without_where(exc: LedgerFormatError, where: str) -> str:
    """The why of "where: why" (a Message when it was raised as one, so it stays translatable)."""
    text = exc.text
    if isinstance(text, Message) and text.template == "{where}: {reason}" and text.params["where"] == where:
        reason = text.params["reason"]
        return reason if isinstance(reason, str) else str(reason)
    return str(exc).removeprefix(f"{where}: ")


def verify_export(
    lines: Iterable[str],
    *,
    public_pem: bytes | Sequence[bytes] | None,
    checkpoints: Iterable[Mapping[str, Any]] | None = None,
) -> ExportVerifyResult:
    """Verify an exported ledger: the chain, and every checkpoint (in the file or in `checkpoints`).

    Each checkpoint's head hash must equal the hash of the exported entry at its seq, and, when public
    keys are given (one PEM, or several for rotated keys), its signature must verify under the key named
    by its key_id. A checkpoint whose entry is not in the export is a problem too: that is how a cut-off
    tail shows. Stops at the first problem. public_pem=None checks hashes only (signatures_checked=False).
    """
    state = _ExportCheck(_public_keys(public_pem))
    try:
        state.add_checkpoints(checkpoints or ())
        for line_no, raw_line in enumerate(lines, start=1):
            text = raw_line.strip()
            if not text:
                continue
            where = f"line {line_no}"
            try:
                state.feed(load_json_object(text, where=where), line=line_no, where=where)
            except LedgerFormatError as exc:
                # The message already starts with "line N: "; keep only the why.
                raise _Failure(_without_where(exc, where), line=line_no) from None
        state.finish()
    except _Failure as failure:
        return state.result(failure)
    return state.result(None)
