"""One ledger entry: its canonical bytes, its hash, and its JSON-lines form.

The canonical form is what gets hashed, so it must never change for existing entries: sorted keys, no
whitespace, UTF-8 without escaping, the time as ISO-8601 UTC with microseconds and a trailing "Z".
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from conduct.core._i18n import Message, message
from conduct.core._i18n import noop as N_

GENESIS_HASH = "0" * 64

_HEX64 = re.compile(r"[0-9a-f]{64}")
_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_STR_FIELDS = ("actor", "action", "object_type", "object_id")
_ENTRY_KEYS = frozenset({"seq", "at", *_STR_FIELDS, "summary", "prev_hash", "hash"})
_OPTIONAL_KEYS = frozenset({"state"})  # hashed only when present, so older entries keep their hashes


class LedgerFormatError(ValueError):
    """An entry, export line or checkpoint that cannot be read or hashed; the message says where and why."""

    @property
    def text(self) -> str:
        """The message, a Message (translatable) when raised through format_error."""
        return self.args[0] if self.args and isinstance(self.args[0], Message) else str(self)


def format_error(where: str | None, template: str, **params: Any) -> LedgerFormatError:
    """A LedgerFormatError "where: why" whose message is a Message (English str(), translatable)."""
    reason = message(template, **params)
    return LedgerFormatError(
        reason if where is None else message(N_("{where}: {reason}"), where=where, reason=reason)
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class LedgerRecord:
    """One audit-ledger entry as stored: what happened, who did it, and the links that chain it."""

    seq: int  # 1-based, no gaps
    at: datetime  # timezone-aware; hashed as UTC to the microsecond
    actor: str  # "user:12:officer", "system"
    action: str  # "supplier.create"
    object_type: str
    object_id: str
    summary: Mapping[str, Any] = field(hash=False)  # JSON-able description of the change
    prev_hash: str  # hash of entry seq-1; GENESIS_HASH for seq 1
    hash: str  # sha256 hex of canonical_bytes(self)
    # sha256 hex of the object's tracked fields just after this change (state_hash); None when not recorded.
    state: str | None = None


def format_at(at: datetime) -> str:
    """The canonical text of an entry time: ISO-8601 in UTC with microseconds and "Z"."""
    if not isinstance(at, datetime):
        raise LedgerFormatError(f"at: expected a datetime, found {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise LedgerFormatError("at: datetime must be timezone-aware")
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_at(text: object, *, where: str = "at") -> datetime:
    """Read the canonical time text back; anything else is rejected rather than guessed."""
    if not isinstance(text, str) or not _AT.fullmatch(text):
        raise format_error(
            where, N_("expected UTC time like 2025-01-31T09:30:00.000000Z, found {text!r}"), text=text
        )
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError as exc:
        raise format_error(where, "{error}", error=str(exc)) from None


def check_hex64(value: object, *, where: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise format_error(where, N_("expected 64 lower-case hex digits, found {value!r}"), value=value)
    return value


_encode_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes a str with


def dumps_canonical(value: Any) -> str:
    """Deterministic JSON text: sorted keys, no whitespace, no ASCII escaping, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _plain_json(value: Any, where: str) -> Any:
    """Copy value into plain JSON types, refusing anything whose JSON text would be ambiguous."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LedgerFormatError(f"{where}: {value!r} is not allowed in JSON")
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise LedgerFormatError(f"{where}: keys must be strings, found {key!r}")
            out[key] = _plain_json(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_plain_json(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise LedgerFormatError(f"{where}: {type(value).__name__} is not JSON-able")


def _hashed_fields(record: LedgerRecord) -> dict[str, Any]:
    seq = record.seq
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise LedgerFormatError(f"seq: expected an integer >= 1, found {seq!r}")
    fields: dict[str, Any] = {"seq": seq, "at": format_at(record.at)}
    for name in _STR_FIELDS:
        value = getattr(record, name)
        if not isinstance(value, str):
            raise LedgerFormatError(f"{name}: expected a string, found {type(value).__name__}")
        fields[name] = value
    if not isinstance(record.summary, Mapping):
        raise LedgerFormatError(f"summary: expected an object, found {type(record.summary).__name__}")
    fields["summary"] = _plain_json(record.summary, "summary")
    fields["prev_hash"] = check_hex64(record.prev_hash, where="prev_hash")
    if record.state is not None:
        fields["state"] = check_hex64(record.state, where="state")
    return fields


def state_hash(values: Mapping[str, Any]) -> str:
    """sha256 hex of an object's tracked fields as canonical JSON: what an entry's `state` holds, and what a
    reconciliation recomputes from the stored row. Values must be plain JSON (times and dates as text)."""
    if not isinstance(values, Mapping):
        raise LedgerFormatError(f"state: expected an object, found {type(values).__name__}")
    text = _flat_canonical(values)
    if text is None:
        text = dumps_canonical(_plain_json(values, "state"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _flat_canonical(values: Mapping[str, Any]) -> str | None:
    """dumps_canonical of a flat object of text, integers, booleans and None, written directly (a large
    import hashes tens of thousands of these); None for anything else, which takes the general path. The
    text is the same as dumps_canonical's: keys sorted, the json module's own string escaping."""
    parts = []
    for key in sorted(values):
        if type(key) is not str:
            return None
        item = values[key]
        kind = type(item)
        if kind is str:
            value = _encode_string(item)
        elif item is None:
            value = "null"
        elif kind is bool:
            value = "true" if item else "false"
        elif kind is int:
            value = int.__repr__(item)
        else:
            return None
        parts.append(f"{_encode_string(key)}:{value}")
    return "{" + ",".join(parts) + "}"


def state_hasher(names: Sequence[str]) -> Callable[[Sequence[Any]], str]:
    """A function of an object's values in `names` order that returns state_hash of {name: value}: the keys'
    order and text are worked out once, so hashing tens of thousands of objects of one type (an import's)
    costs one join and one sha256 each. Values other than text, integers, booleans and None take
    state_hash itself."""
    order = sorted(range(len(names)), key=lambda i: names[i])
    if len(set(names)) != len(names) or not all(type(name) is str for name in names):
        raise LedgerFormatError("state: field names must be distinct strings")
    keys = [_encode_string(names[i]) + ":" for i in order]
    keyed = list(zip(order, keys, strict=True))
    sha256 = hashlib.sha256

    def hash_values(values: Sequence[Any]) -> str:
        parts = []
        for i, key in keyed:
            item = values[i]
            kind = type(item)
            if kind is str:
                parts.append(key + _encode_string(item))
            elif item is None:
                parts.append(key + "null")
            elif kind is int:
                parts.append(key + int.__repr__(item))
            elif kind is bool:
                parts.append(key + ("true" if item else "false"))
            else:
                return state_hash(dict(zip(names, values, strict=True)))
        return sha256(("{" + ",".join(parts) + "}").encode("utf-8")).hexdigest()

    return hash_values


def covers_hash(rows: Iterable[tuple[str, str, str]]) -> str:
    """sha256 hex over the objects one bulk entry wrote: each (object type, object id, state hash) as a line
    "type TAB id TAB state", the lines sorted (as text) and each ended by a newline. A bulk entry carries it
    in its summary (`covers.sha256`), so the per-object states kept beside the ledger are bound to the
    chain."""
    digest = hashlib.sha256()
    for object_type, object_id, state in sorted(rows):
        digest.update(f"{object_type}\t{object_id}\t{state}\n".encode())
    return digest.hexdigest()


def canonical_bytes(record: LedgerRecord) -> bytes:
    """The bytes that are hashed: every field except `hash`, as canonical JSON in UTF-8."""
    return dumps_canonical(_hashed_fields(record)).encode("utf-8")


def compute_hash(record: LedgerRecord) -> str:
    """sha256 hex of canonical_bytes; prev_hash is inside, so each hash commits to the whole history."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


def seal_record(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    summary: Mapping[str, Any],
    prev_hash: str,
    state: str | None = None,
) -> LedgerRecord:
    """A new entry with its hash computed: what the appending service stores."""
    draft = LedgerRecord(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        prev_hash=prev_hash,
        hash=GENESIS_HASH,
        state=state,
    )
    return replace(draft, hash=compute_hash(draft))


def record_to_json(record: LedgerRecord) -> str:
    """One export line (without newline): the entry's fields plus "type": "entry", canonical JSON."""
    fields = _hashed_fields(record)
    fields["hash"] = check_hex64(record.hash, where="hash")
    fields["type"] = "entry"
    return dumps_canonical(fields)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise format_error(None, N_("duplicate key {key!r}"), key=key)
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise format_error(None, N_("{name} is not allowed in JSON"), name=name)


def load_json_object(text: str, *, where: str) -> dict[str, Any]:
    """Parse one JSON object strictly (no duplicate keys, no NaN); errors are prefixed with where."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except LedgerFormatError as exc:
        raise format_error(where, "{error}", error=exc.text) from None
    except json.JSONDecodeError as exc:
        raise format_error(
            where, N_("invalid JSON: {error} at column {column}"), error=exc.msg, column=exc.colno
        ) from None
    except RecursionError:
        raise format_error(where, N_("JSON nested too deeply")) from None
    if not isinstance(value, dict):
        raise format_error(where, N_("expected a JSON object, found {kind}"), kind=type(value).__name__)
    return value


def record_from_object(obj: Mapping[str, Any], *, where: str) -> LedgerRecord:
    """Build an entry from a parsed export object, checking every field's type and form."""
    kind = obj.get("type", "entry")
    if kind != "entry":
        raise format_error(where, N_("expected an entry, found type {kind!r}"), kind=kind)
    keys = set(obj) - {"type"}
    missing = sorted(_ENTRY_KEYS - keys)
    if missing:
        raise format_error(where, N_("missing field(s) {fields}"), fields=", ".join(missing))
    unknown = sorted(keys - _ENTRY_KEYS - _OPTIONAL_KEYS)
    if unknown:
        raise format_error(where, N_("unknown field(s) {fields}"), fields=", ".join(unknown))
    seq = obj["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise format_error(where, N_("seq: expected an integer >= 1, found {seq!r}"), seq=seq)
    for name in _STR_FIELDS:
        if not isinstance(obj[name], str):
            raise format_error(
                where, N_("{name}: expected a string, found {value!r}"), name=name, value=obj[name]
            )
    if not isinstance(obj["summary"], dict):
        raise format_error(where, N_("summary: expected an object, found {value!r}"), value=obj["summary"])
    try:
        at = parse_at(obj["at"])
        prev_hash = check_hex64(obj["prev_hash"], where="prev_hash")
        hash_ = check_hex64(obj["hash"], where="hash")
        state = check_hex64(obj["state"], where="state") if "state" in obj else None
    except LedgerFormatError as exc:
        raise format_error(where, "{error}", error=exc.text) from None
    return LedgerRecord(
        seq=seq,
        at=at,
        actor=obj["actor"],
        action=obj["action"],
        object_type=obj["object_type"],
        object_id=obj["object_id"],
        summary=obj["summary"],
        prev_hash=prev_hash,
        hash=hash_,
        state=state,
    )


def record_from_json(line: str, *, line_no: int | None = None) -> LedgerRecord:
    """Read one export line back into an entry; a LedgerFormatError names the line and the field."""
    where = f"line {line_no}" if line_no is not None else "entry"
    return record_from_object(load_json_object(line, where=where), where=where)
