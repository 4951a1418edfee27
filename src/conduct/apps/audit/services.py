"""The only writers of the ledger. Every other service calls `ledger_append` inside its transaction.

Also here: signing checkpoints (on request, every LEDGER_CHECKPOINT_EVERY entries and at least every
LEDGER_CHECKPOINT_HOURS while the ledger grows), key rotation, and the export.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit import keys as ledger_keys
from conduct.apps.audit import reconcile
from conduct.apps.audit.actions import LEDGER_KEY, LedgerAction
from conduct.apps.audit.keys import signing_keys
from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.apps.audit.verify import (
    LedgerVerification,
    Published,
    checkpoint_dict,
    iter_records,
    ledger_verify,
    signed_from_model,
    to_record,
)
from conduct.core import ledger as core_ledger
from conduct.db.values import insert_values

__all__ = [
    "SYSTEM",
    "KeyRotation",
    "LedgerItem",
    "LedgerVerification",
    "Published",
    "actor_label",
    "checkpoint_create",
    "checkpoint_dict",
    "checkpoint_if_due",
    "export_lines",
    "checkpoint_request",
    "in_transaction",
    "iter_records",
    "ledger_append",
    "ledger_append_many",
    "ledger_key_rotate",
    "ledger_verify",
    "signing_keys",
    "to_record",
]

SYSTEM = "system"


def actor_label(actor: Any) -> str:
    """How an actor is named in the ledger: 'user:<id>:<username>', or a system actor's label ('cli')."""
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        return actor
    if not hasattr(actor, "username"):  # a SystemActor (accounts.actors): named by its label
        return str(actor)
    return f"user:{actor.pk}:{actor.username}"


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so what is hashed is exactly what the JSON column gives back.
    result: dict[str, Any] = json.loads(json.dumps(summary, cls=DjangoJSONEncoder, sort_keys=True))
    return result


@dataclass(frozen=True)
class LedgerItem:
    """One entry to append: what was done to which object, and the facts worth keeping.

    `row`: the object as just saved, when the caller holds it. For a reconciled object type (audit.reconcile)
    the entry's state hash is then computed from it instead of read back from the database.

    `covers`: for an entry that writes many reconciled objects at once (an import), the ids of the objects it
    created or changed, by object type; or, by object type, a mapping of each such id to the tracked values
    the caller just wrote (by attribute name, as audit.reconcile.states_of_values takes them), which saves
    reading them back. Their state hashes are kept beside the entry (one row each, audit.CoveredObject), and
    the entry's summary carries `covers` = {"objects": counts by type, "sha256": core.ledger.covers_hash of
    them all}, so each of them is reconciled like an object with an entry of its own."""

    action: str
    object_type: str
    object_id: object
    summary: dict[str, Any] | None = None
    row: models.Model | None = None
    covers: Mapping[str, Iterable[object] | Mapping[Any, Mapping[str, Any]]] | None = None


def ledger_append(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: object,
    summary: dict[str, Any] | None = None,
    row: models.Model | None = None,
) -> LedgerEntry:
    """Append one entry to the chain, in the caller's transaction: the write and its entry commit together."""
    item = LedgerItem(action, object_type, object_id, summary, row)
    return ledger_append_many(actor=actor, items=[item])[0]


_ENTRY_FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "summary",
    "prev_hash",
    "hash",
    "state",
)


def _states(items: Sequence[LedgerItem]) -> list[str | None]:
    """Each item's state hash (None for an object type that is not reconciled, or an object not stored): from
    the row the caller gave, else read back, one query per object type for the whole batch."""
    states: list[str | None] = [None] * len(items)
    wanted: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        spec = reconcile.tracked(item.object_type)
        if spec is None:
            continue
        if item.row is not None:
            states[index] = reconcile.state_of_instance(spec, item.row)
        else:
            wanted.setdefault(item.object_type, []).append(index)
    for object_type, indexes in wanted.items():
        spec = reconcile.tracked(object_type)
        assert spec is not None
        found = reconcile.states_from_rows(spec, [str(items[i].object_id) for i in indexes])
        for i in indexes:
            states[i] = found.get(str(items[i].object_id))
    return states


def ledger_append_many(*, actor: Any, items: Sequence[LedgerItem]) -> list[LedgerEntry]:
    """Append several entries, in order, by one actor: one read and one update of the head for all of them.

    Every change in Conduct comes through here inside its transaction (on SQLite, while it holds the one
    writer's turn), so the three statements are plain SQL rather than built by the ORM each time; values
    are prepared by the model's own fields, so what is stored is what the ORM would have stored. An entry
    about a reconciled object carries its state hash (audit.reconcile). When the batch crosses a multiple of
    LEDGER_CHECKPOINT_EVERY, or the last checkpoint is older than LEDGER_CHECKPOINT_HOURS, the new head is
    signed in the same transaction."""
    if not items:
        return []
    states = _states(items)
    covered = [_covered(item) for item in items]
    items = [
        item
        if rows is None
        else replace(item, summary={**(item.summary or {}), "covers": _covers_summary(rows)})
        for item, rows in zip(items, covered, strict=True)
    ]
    with transaction.atomic(savepoint=False):  # part of the caller's change: no savepoint of its own
        head_sql = "SELECT seq, hash FROM audit_ledgerhead WHERE id = 1"
        if connection.features.has_select_for_update:
            head_sql += " FOR UPDATE"
        with connection.cursor() as cursor:
            cursor.execute(head_sql)
            row = cursor.fetchone()
        if row is None:
            raise LedgerHead.DoesNotExist("The ledger head is missing: run the migrations.")
        start_seq, head_hash = int(row[0]), str(row[1])
        entries = _build_entries(
            items, states, actor=actor, after_seq=start_seq, after_hash=head_hash, at=timezone.now()
        )
        seq, head_hash = entries[-1].seq, entries[-1].hash
        for start in range(0, len(entries), 500):  # well under every backend's limit on parameters
            _insert_entries(entries[start : start + 500])
        for entry, rows in zip(entries, covered, strict=True):
            if rows:
                _insert_covered(entry, rows)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_ledgerhead SET seq = %s, hash = %s WHERE id = 1", [seq, head_hash])
        reason = _checkpoint_due(start_seq, seq)
        if reason:
            _sign(seq=seq, head_hash=head_hash, reason=reason)
    return entries


def _build_entries(
    items: Sequence[LedgerItem],
    states: Sequence[str | None],
    *,
    actor: Any,
    after_seq: int,
    after_hash: str,
    at: datetime,
) -> list[LedgerEntry]:
    """The unsaved entries for `items`, chained on from the head (`after_seq`, `after_hash`), all at `at`.

    Called once per batch (not per item): the loop stays inline on the write path."""
    seq, prev_hash = after_seq, after_hash
    label = actor_label(actor)
    entries = []
    for item, state in zip(items, states, strict=True):
        seq += 1
        record = core_ledger.LedgerRecord(
            seq=seq,
            at=at,
            actor=label,
            action=item.action,
            object_type=item.object_type,
            object_id=str(item.object_id),
            summary=_jsonable(item.summary or {}),
            prev_hash=prev_hash,
            hash="",
            state=state,
        )
        prev_hash = core_ledger.compute_hash(record)
        entries.append(
            LedgerEntry(
                seq=record.seq,
                at=record.at,
                actor=record.actor,
                action=record.action,
                object_type=record.object_type,
                object_id=record.object_id,
                summary=record.summary,
                prev_hash=record.prev_hash,
                hash=prev_hash,
                state=state or "",
            )
        )
    return entries


def _insert_entries(entries: list[LedgerEntry]) -> None:
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35: no RETURNING
        LedgerEntry.objects.bulk_create(entries)
        return
    fields = [LedgerEntry._meta.get_field(name) for name in _ENTRY_FIELDS]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO audit_ledgerentry ({', '.join(f.column for f in fields)}) "  # noqa: S608 - only the
        f"VALUES {', '.join([row] * len(entries))} RETURNING id"
    )  # model's column names and placeholders
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for entry in entries for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [r[0] for r in cursor.fetchall()]
    for entry, pk in zip(entries, sorted(ids), strict=True):  # ids rise with seq: both follow insertion order
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias


def _covered(item: LedgerItem) -> list[tuple[str, str, str]] | None:
    """(object type, object id, state hash) of each object a bulk item covers that exists, sorted (the order
    covers_hash reads them in, and the index's), or None."""
    if item.covers is None:
        return None
    rows: list[tuple[str, str, str]] = []
    for object_type, objects in item.covers.items():
        spec = reconcile.tracked(object_type)
        if spec is None:
            raise ValueError(f"{object_type!r} is not a reconciled object type: it cannot be covered")
        if isinstance(objects, Mapping):  # the values as written: no read
            found = reconcile.states_of_values(spec, objects)
            rows.extend((object_type, object_id, state) for object_id, state in found.items())
            continue
        ids = [str(object_id) for object_id in objects]
        for start in range(0, len(ids), _COVER_READ):
            found = reconcile.states_from_rows(spec, ids[start : start + _COVER_READ])
            rows.extend((object_type, object_id, state) for object_id, state in found.items())
    rows.sort()
    return rows


_COVER_READ = 1000  # ids read back per query


def _covers_summary(rows: list[tuple[str, str, str]]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for object_type, _, _ in rows:
        counts[object_type] = counts.get(object_type, 0) + 1
    return {"objects": dict(sorted(counts.items())), "sha256": core_ledger.covers_hash(rows)}


def _insert_covered(entry: LedgerEntry, rows: list[tuple[str, str, str]]) -> None:
    """The covered objects' states beside their entry: many rows per INSERT, in the (sorted) order given."""
    entry_id = entry.pk
    if entry_id is None:  # inserted without RETURNING: read its id back
        entry_id = LedgerEntry.objects.filter(seq=entry.seq).values_list("pk", flat=True).get()
    insert_values(
        "audit_coveredobject",
        ["entry_id", "object_type", "object_id", "state"],
        [(entry_id, *row) for row in rows],
    )


# --- checkpoints -------------------------------------------------------------------------------------------

# The hourly check reads the latest checkpoint's time at most once a minute per process; between reads the
# append path pays one comparison.
_HOURLY_RECHECK = 60.0
_next_hourly_check = 0.0
_hourly_lock = threading.Lock()


def _checkpoint_due(before: int, after: int) -> str | None:
    """Why the head `after` must be signed now (the batch moved it from `before`), or None."""
    global _next_hourly_check
    every = int(getattr(settings, "LEDGER_CHECKPOINT_EVERY", 0) or 0)
    if every and after // every > before // every:
        return f"every {every} entries"
    hours = int(getattr(settings, "LEDGER_CHECKPOINT_HOURS", 0) or 0)
    now = time.monotonic()
    if not hours or now < _next_hourly_check:
        return None
    with _hourly_lock:
        _next_hourly_check = now + _HOURLY_RECHECK
    latest = Checkpoint.objects.order_by("-pk").values_list("at", flat=True).first()
    if latest is None or latest <= timezone.now() - timedelta(hours=hours):
        return "hourly"
    return None


def _sign(
    *,
    seq: int,
    head_hash: str,
    reason: str,
    private_pem: bytes | None = None,
    public_pem: bytes | None = None,
) -> Checkpoint:
    """Sign "entry `seq` has hash `head_hash`" (the caller holds the head) and store the checkpoint. With the
    installation's current key unless another is given (a key rotation signs with the old one)."""
    if private_pem is None or public_pem is None:
        private_pem, public_pem = signing_keys()
    at: datetime = timezone.now()
    signed = core_ledger.sign_checkpoint(private_pem, seq=seq, head_hash=head_hash, at=at)
    return Checkpoint.objects.create(
        seq=seq,
        head_hash=head_hash,
        at=at,
        key_id=signed.checkpoint.key_id,
        signature=signed.signature,
        public_key_pem=public_pem.decode(),
        reason=reason[:40],
    )


def checkpoint_if_due() -> Checkpoint | None:
    """The scheduler's hourly check (audit.tasks.hourly_checkpoint): sign the head when entries are unsigned
    and the latest checkpoint is LEDGER_CHECKPOINT_HOURS old, so an idle ledger's tail is signed without
    waiting for the next write or the daily checkpoint. Not itself ledgered (like the append path's
    checkpoints), so an idle ledger stays idle once signed."""
    hours = int(getattr(settings, "LEDGER_CHECKPOINT_HOURS", 0) or 0)
    if not hours:
        return None
    with transaction.atomic():
        head = LedgerHead.objects.select_for_update().get(pk=1)
        signed = Checkpoint.objects.aggregate(seq=models.Max("seq"), at=models.Max("at"))
        if head.seq == 0 or (signed["seq"] is not None and signed["seq"] >= head.seq):
            return None  # nothing unsigned
        if signed["at"] is not None and signed["at"] > timezone.now() - timedelta(hours=hours):
            return None
        return _sign(seq=head.seq, head_hash=head.hash, reason="hourly")


@transaction.atomic
def checkpoint_create(*, actor: Any, reason: str = "on request") -> Checkpoint:
    """Sign the current head of the chain. The checkpoint itself is then ledgered."""
    head = LedgerHead.objects.select_for_update().get(pk=1)
    cp = _sign(seq=head.seq, head_hash=head.hash, reason=reason)
    ledger_append(
        actor=actor,
        action=LedgerAction.CHECKPOINT,
        object_type="checkpoint",
        object_id=cp.pk,
        summary={"seq": cp.seq, "head_hash": cp.head_hash, "key_id": cp.key_id, "reason": reason},
    )
    return cp


def checkpoint_request(*, actor: Actor) -> Checkpoint:
    """A checkpoint asked for on the ledger page or the API: needs `ledger.checkpoint`."""
    authorize(actor, "ledger.checkpoint")
    return checkpoint_create(actor=actor, reason="on request")


@dataclass(frozen=True)
class KeyRotation:
    old_key_id: str
    new_key_id: str
    new_fingerprint: str
    entry: LedgerEntry  # the rotation entry
    checkpoint: Checkpoint  # signed with the old key, covering the rotation entry
    kept_public_key: str  # where the old public key is kept


def ledger_key_rotate(*, actor: Any) -> KeyRotation:
    """Replace the signing key. The rotation is a ledger entry naming both keys' fingerprints, signed with the
    OLD key by a checkpoint right after it; every later checkpoint is signed with the new key. The old
    public key stays in the key folder (verification keeps trusting it for the checkpoints it signed); the
    old private key is gone. Publish the new fingerprint (LEDGER_TRUSTED_KEYS) with the next report."""
    old_private, old_public = signing_keys()
    old_fingerprint = core_ledger.public_key_fingerprint(old_public)
    new_private, new_public = core_ledger.generate_keypair()
    new_fingerprint = core_ledger.public_key_fingerprint(new_public)
    path = ledger_keys.private_key_path()
    kept = ledger_keys.kept_key_path(old_fingerprint[:16])
    kept.write_bytes(old_public)
    staged = path.with_name(f"{path.name}.{new_fingerprint[:16]}.new")
    if not ledger_keys.write_private_key(staged, new_private):
        raise FileExistsError(f"{staged} exists: another rotation is under way")
    try:
        with transaction.atomic():
            entry = ledger_append(
                actor=actor,
                action=LedgerAction.KEY_ROTATE,
                object_type=LEDGER_KEY,
                object_id=new_fingerprint[:16],
                summary={
                    "from_key": old_fingerprint,
                    "to_key": new_fingerprint,
                    "to_public_key": new_public.decode(),
                },
            )
            checkpoint = _sign(
                seq=entry.seq,
                head_hash=entry.hash,
                reason="key rotation",
                private_pem=old_private,
                public_pem=old_public,
            )
        os.replace(staged, path)  # from here on, this and every other process signs with the new key
    finally:
        staged.unlink(missing_ok=True)
    ledger_keys.public_key_path().write_bytes(new_public)
    return KeyRotation(
        old_key_id=old_fingerprint[:16],
        new_key_id=new_fingerprint[:16],
        new_fingerprint=new_fingerprint,
        entry=entry,
        checkpoint=checkpoint,
        kept_public_key=str(kept),
    )


def export_lines() -> Iterator[str]:
    """The ledger as JSON lines for outside verification (docs/audit-ledger.md): a header, every entry in
    order, and each signed checkpoint right after the entry it signs (the latest checkpoint among them:
    compare it with the one published). Each line ends with a newline."""
    checkpoints = [signed_from_model(cp) for cp in Checkpoint.objects.order_by("seq", "at")]
    return core_ledger.export_lines(iter_records(), checkpoints=checkpoints)


def in_transaction() -> bool:
    return connection.in_atomic_block
