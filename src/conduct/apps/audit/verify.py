"""Verifying the stored ledger: the chain, the stored head, every checkpoint against the pinned keys, a
published checkpoint (a cut-off tail), and optionally the records themselves (audit.reconcile).

Only keys read from CONDUCT_HOME/keys count (audit.keys): a key stored beside a checkpoint in the database
is never trusted, so rewriting history and re-signing with a key of one's own does not pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from conduct.apps.audit import keys as ledger_keys
from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.apps.audit.reconcile import RecordProblem, RecordsResult, reconcile
from conduct.core import ledger as core_ledger

_PUBLISHED = re.compile(r"(\d{1,18}):([0-9a-f]{64})")


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
        state=entry.state or None,
    )


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


def checkpoint_dict(cp: Checkpoint) -> dict[str, Any]:
    """A stored checkpoint in the export form, without "type" (seq, head_hash, at, key_id, signature)."""
    return {
        "seq": cp.seq,
        "head_hash": cp.head_hash,
        "at": cp.at.isoformat().replace("+00:00", "Z"),
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def signed_from_model(cp: Checkpoint) -> core_ledger.SignedCheckpoint:
    return core_ledger.SignedCheckpoint.from_dict(checkpoint_dict(cp))


class PublishedError(ValueError):
    """A published checkpoint given to verify cannot be read; the message says why."""


@dataclass(frozen=True)
class Published:
    """A checkpoint obtained outside the database (from a transparency report, an export, a notice): the
    ledger must still hold entry `seq` with hash `head_hash`. With `signed`, its signature is checked too."""

    seq: int
    head_hash: str
    signed: core_ledger.SignedCheckpoint | None = None

    @classmethod
    def parse(cls, text: str) -> Published:
        """`SEQ:HASH`, as printed by `conduct audit checkpoint` and in the transparency report."""
        match = _PUBLISHED.fullmatch(text.strip().lower())
        if match is None:
            raise PublishedError(
                _("expected SEQ:HASH (a number, a colon and 64 hex digits), found %r") % text
            )
        return cls(int(match.group(1)), match.group(2))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Published:
        """The JSON form of latest_checkpoint() / `conduct audit checkpoint --out`: a signed checkpoint, maybe
        with the signing key's fingerprint (ignored: the key must be one this installation trusts)."""
        if not isinstance(data, Mapping):
            raise PublishedError(_("expected a JSON object"))
        fields = {
            k: v for k, v in data.items() if k not in {"key_fingerprint", "public_key_pem", "published"}
        }
        fields.setdefault("type", "checkpoint")
        try:
            signed = core_ledger.SignedCheckpoint.from_dict(fields, where="published checkpoint")
        except core_ledger.LedgerFormatError as exc:
            raise PublishedError(str(exc)) from None
        return cls(signed.checkpoint.seq, signed.checkpoint.head_hash, signed)

    @classmethod
    def from_json(cls, text: str) -> Published:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise PublishedError(_("not JSON: %s") % exc) from None
        return cls.from_mapping(data)


@dataclass(frozen=True)
class LedgerVerification:
    ok: bool
    verified: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str
    checkpoints_checked: int
    authenticated_seq: int | None = None  # highest seq covered by a checkpoint signed with a trusted key
    trusted_keys: list[str] = field(default_factory=list)  # key ids verification trusted
    key_problems: list[str] = field(default_factory=list)  # warnings about the key folder
    published_checked: bool = False
    records: RecordsResult | None = None

    @property
    def record_problems(self) -> list[RecordProblem]:
        return self.records.problems if self.records is not None else []


def _failed(
    chain: core_ledger.VerifyResult | None,
    head: LedgerHead,
    seq: int | None,
    reason: str,
    checked: int = 0,
    **extra: Any,
) -> LedgerVerification:
    return LedgerVerification(
        False, chain.count if chain else 0, head.seq, head.hash, seq, reason, checked, **extra
    )


def ledger_verify(*, records: bool = False, published: Published | None = None) -> LedgerVerification:
    """Recompute the whole chain, compare it with the stored head, check every stored checkpoint against the
    pinned keys, compare with a published checkpoint when one is given, and (records=True) reconcile the
    stored objects with their latest entries. Stops the chain part at the first problem."""
    trusted = ledger_keys.trusted_keys()
    common: dict[str, Any] = {"trusted_keys": sorted(trusted.keys), "key_problems": trusted.problems}
    chain = core_ledger.verify_chain(iter_records())
    head = LedgerHead.objects.get(pk=1)
    if not chain.ok:
        return _failed(chain, head, chain.failed_seq, chain.reason or "", **common)
    if chain.count != head.seq or (head.seq and chain.head_hash != head.hash):
        return _failed(
            chain,
            head,
            chain.count + 1 if chain.count < head.seq else head.seq,
            _("the stored head says #%(seq)s %(hash)s…, but the chain ends at #%(count)s")
            % {"seq": head.seq, "hash": head.hash[:12], "count": chain.count},
            **common,
        )
    checked, authenticated = 0, None
    hashes = dict(
        LedgerEntry.objects.filter(seq__in=Checkpoint.objects.values("seq")).values_list("seq", "hash")
    )
    for cp in Checkpoint.objects.order_by("seq", "pk"):
        problem = _checkpoint_problem(cp, trusted, hashes, chain.count)
        if problem:
            return _failed(chain, head, cp.seq, problem, checked=checked, **common)
        checked += 1
        authenticated = cp.seq
    common["authenticated_seq"] = authenticated
    if published is not None:
        problem = _published_problem(published, trusted, chain.count)
        if problem:
            seq = chain.count + 1 if published.seq > chain.count else published.seq
            return _failed(chain, head, seq, problem, checked=checked, published_checked=True, **common)
        common["published_checked"] = True
    result = reconcile() if records else None
    if result is not None and not result.ok:
        first = result.problems[0]
        reason = _("%(count)s record(s) do not match the ledger; first: %(type)s %(id)s %(why)s") % {
            "count": result.problems_total,
            "type": first.object_type,
            "id": first.object_id,
            "why": first.reason,
        }
        return _failed(chain, head, first.seq, reason, checked=checked, records=result, **common)
    return LedgerVerification(
        True, chain.count, head.seq, head.hash, None, "", checked, records=result, **common
    )


def _checkpoint_problem(
    cp: Checkpoint, trusted: ledger_keys.TrustedKeys, hashes: dict[int, str], head_seq: int
) -> str | None:
    key = trusted.keys.get(cp.key_id)
    if key is None:
        return _(
            "checkpoint at #%(seq)s (id %(id)s) is signed by key %(key)s, which is not a trusted key "
            "(CONDUCT_HOME/keys, LEDGER_TRUSTED_KEYS)"
        ) % {"seq": cp.seq, "id": cp.pk, "key": cp.key_id}
    try:
        signed = signed_from_model(cp)
    except core_ledger.LedgerFormatError as exc:
        return _("checkpoint at #%(seq)s (id %(id)s) cannot be read: %(why)s") % {
            "seq": cp.seq,
            "id": cp.pk,
            "why": exc,
        }
    if not core_ledger.verify_checkpoint(key.public_pem, signed):
        return _("checkpoint at #%(seq)s (id %(id)s) has a bad signature") % {"seq": cp.seq, "id": cp.pk}
    if cp.seq > head_seq:
        return _(
            "checkpoint at #%(seq)s is past the end of the ledger (#%(head)s): "
            "entries after #%(head)s were deleted"
        ) % {"seq": cp.seq, "head": head_seq}
    if cp.seq and hashes.get(cp.seq) != cp.head_hash:
        return _("checkpoint at #%(seq)s signed a head hash the chain no longer has") % {"seq": cp.seq}
    return None


def _published_problem(published: Published, trusted: ledger_keys.TrustedKeys, head_seq: int) -> str | None:
    if published.signed is not None:
        key = trusted.keys.get(published.signed.checkpoint.key_id)
        if key is None:
            return _(
                "the published checkpoint at #%(seq)s is signed by key %(key)s, which is not trusted"
            ) % {
                "seq": published.seq,
                "key": published.signed.checkpoint.key_id,
            }
        if not core_ledger.verify_checkpoint(key.public_pem, published.signed):
            return _("the published checkpoint at #%(seq)s has a bad signature") % {"seq": published.seq}
    if published.seq > head_seq:
        return _(
            "truncated: the published checkpoint is at #%(seq)s, but the ledger ends at #%(head)s "
            "(entries #%(next)s..#%(seq)s are missing)"
        ) % {"seq": published.seq, "head": head_seq, "next": head_seq + 1}
    stored = (
        core_ledger.GENESIS_HASH
        if published.seq == 0
        else LedgerEntry.objects.filter(seq=published.seq).values_list("hash", flat=True).first()
    )
    if stored != published.head_hash:
        return _("entry #%(seq)s does not have the published hash %(hash)s…: the ledger was rewritten") % {
            "seq": published.seq,
            "hash": published.head_hash[:16],
        }
    return None
