"""The only writers of the ledger. Every other service calls `ledger_append` inside its transaction."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.core import ledger as core_ledger

SYSTEM = "system"


def actor_label(actor: Any) -> str:
    """How an actor is named in the ledger: 'user:<id>:<username>', or a system actor's label ('cli', 'system')."""
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


def to_record(entry: LedgerEntry) -> core_ledger.LedgerRecord:
    return core_ledger.LedgerRecord(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        summary=entry.summary,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )


@dataclass(frozen=True)
class LedgerItem:
    """One entry to append: what was done to which object, and the facts worth keeping."""

    action: str
    object_type: str
    object_id: object
    summary: dict[str, Any] | None = None


def ledger_append(
    *, actor: Any, action: str, object_type: str, object_id: object, summary: dict[str, Any] | None = None
) -> LedgerEntry:
    """Append one entry to the chain. Joins the caller's transaction so the write and its entry commit together."""
    return ledger_append_many(actor=actor, items=[LedgerItem(action, object_type, object_id, summary)])[0]


_ENTRY_FIELDS = ("seq", "at", "actor", "action", "object_type", "object_id", "summary", "prev_hash", "hash")


def ledger_append_many(*, actor: Any, items: Sequence[LedgerItem]) -> list[LedgerEntry]:
    """Append several entries, in order, by one actor: one read and one update of the head for all of them.

    Every change in Conduct comes through here inside its transaction (on SQLite, while it holds the one
    writer's turn), so the three statements are plain SQL rather than built by the ORM each time; values
    are prepared by the model's own fields, so what is stored is what the ORM would have stored."""
    if not items:
        return []
    with transaction.atomic(savepoint=False):  # part of the caller's change: no savepoint of its own
        head_sql = "SELECT seq, hash FROM audit_ledgerhead WHERE id = 1"
        if connection.features.has_select_for_update:
            head_sql += " FOR UPDATE"
        with connection.cursor() as cursor:
            cursor.execute(head_sql)
            row = cursor.fetchone()
        if row is None:
            raise LedgerHead.DoesNotExist("The ledger head is missing: run the migrations.")
        seq, prev_hash = int(row[0]), str(row[1])
        at = timezone.now()
        label = actor_label(actor)
        entries = []
        for item in items:
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
                )
            )
        for start in range(0, len(entries), 500):  # well under every backend's limit on parameters
            _insert_entries(entries[start : start + 500])
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_ledgerhead SET seq = %s, hash = %s WHERE id = 1", [seq, prev_hash])
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


def iter_records(batch: int = 2000) -> Iterator[core_ledger.LedgerRecord]:
    """Every entry in sequence order, read in batches so memory stays flat on long chains."""
    last = 0
    while True:
        rows = list(LedgerEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        for row in rows:
            yield to_record(row)
        last = rows[-1].seq


@dataclass(frozen=True)
class LedgerVerification:
    ok: bool
    verified: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str
    checkpoints_checked: int


def ledger_verify() -> LedgerVerification:
    """Recompute the whole chain, compare it with the stored head, and check every checkpoint."""
    result = core_ledger.verify_chain(iter_records())
    head = LedgerHead.objects.get(pk=1)
    if not result.ok:
        return LedgerVerification(
            False, result.count, head.seq, head.hash, result.failed_seq, result.reason or "", 0
        )
    if result.count != head.seq or (head.seq and result.head_hash != head.hash):
        return LedgerVerification(
            False,
            result.count,
            head.seq,
            head.hash,
            result.count + 1 if result.count < head.seq else head.seq,
            f"the stored head says #{head.seq} {head.hash[:12]}…, but the chain ends at #{result.count}",
            0,
        )
    checked = 0
    hashes = dict(
        LedgerEntry.objects.filter(seq__in=Checkpoint.objects.values("seq")).values_list("seq", "hash")
    )
    for cp in Checkpoint.objects.order_by("seq"):
        signed = _signed_from_model(cp)
        if not core_ledger.verify_checkpoint(cp.public_key_pem.encode(), signed):
            return LedgerVerification(
                False,
                result.count,
                head.seq,
                head.hash,
                cp.seq,
                f"checkpoint at #{cp.seq} has a bad signature",
                checked,
            )
        if hashes.get(cp.seq) != cp.head_hash:
            return LedgerVerification(
                False,
                result.count,
                head.seq,
                head.hash,
                cp.seq,
                f"checkpoint at #{cp.seq} signed a head hash the chain no longer has",
                checked,
            )
        checked += 1
    return LedgerVerification(True, result.count, head.seq, head.hash, None, "", checked)


def _signed_from_model(cp: Checkpoint) -> core_ledger.SignedCheckpoint:
    return core_ledger.SignedCheckpoint.from_dict(checkpoint_dict(cp))


def checkpoint_dict(cp: Checkpoint) -> dict[str, Any]:
    return {
        "seq": cp.seq,
        "head_hash": cp.head_hash,
        "at": cp.at.isoformat().replace("+00:00", "Z"),
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def signing_keys() -> tuple[bytes, bytes]:
    """The installation's Ed25519 key pair: the private key is generated once into CONDUCT_HOME/keys
    (created exclusively, so concurrent first uses agree on one key); the public key is derived from it."""
    from cryptography.hazmat.primitives import serialization

    private_path: Path = settings.CONDUCT["SIGNING_KEY_PATH"]
    if not private_path.exists():
        private_path.parent.mkdir(parents=True, exist_ok=True)
        private_pem, _ = core_ledger.generate_keypair()
        try:
            fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(private_pem)
    private_pem = private_path.read_bytes()
    for _ in range(50):  # another process may still be writing it
        if private_pem.strip().endswith(b"-----"):
            break
        time.sleep(0.02)
        private_pem = private_path.read_bytes()
    key = serialization.load_pem_private_key(private_pem, password=None)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public_path = private_path.with_suffix(".pub.pem")
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        public_path.write_bytes(public_pem)
    return private_pem, public_pem


@transaction.atomic
def checkpoint_create(*, actor: Any, reason: str = "on request") -> Checkpoint:
    """Sign the current head of the chain. The checkpoint itself is then ledgered."""
    private_pem, public_pem = signing_keys()
    head = LedgerHead.objects.select_for_update().get(pk=1)
    at: datetime = timezone.now()
    signed = core_ledger.sign_checkpoint(private_pem, seq=head.seq, head_hash=head.hash, at=at)
    data = signed.to_dict()
    cp = Checkpoint.objects.create(
        seq=head.seq,
        head_hash=head.hash,
        at=at,
        key_id=data["key_id"],
        signature=data["signature"],
        public_key_pem=public_pem.decode(),
        reason=reason,
    )
    ledger_append(
        actor=actor,
        action="ledger.checkpoint",
        object_type="checkpoint",
        object_id=cp.pk,
        summary={"seq": cp.seq, "head_hash": cp.head_hash, "key_id": cp.key_id, "reason": reason},
    )
    return cp


def export_lines() -> Iterator[str]:
    """The ledger as JSON lines for outside verification (docs/audit-ledger.md): a header, every entry in
    order, and each signed checkpoint right after the entry it signs. Each line ends with a newline."""
    checkpoints = [_signed_from_model(cp) for cp in Checkpoint.objects.order_by("seq", "at")]
    return core_ledger.export_lines(iter_records(), checkpoints=checkpoints)


def in_transaction() -> bool:
    return connection.in_atomic_block
