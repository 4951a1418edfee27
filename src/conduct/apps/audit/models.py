"""The append-only, hash-chained audit ledger and its signed checkpoints."""

from __future__ import annotations

from django.db import models

GENESIS_HASH = "0" * 64


class LedgerEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    # Every change writes an entry, so only what reads use is indexed: an object's history (object_type,
    # object_id), dates, and seq; actor and action filters (a substring, a prefix) run within seq order.
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    summary = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # sha256 of the object's tracked fields just after the change (audit.reconcile); "" when the object
    # type is not reconciled or the entry predates reconciliation. Hashed into the entry when set.
    state = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="ledger_entry_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class CoveredObject(models.Model):
    """One object a bulk entry wrote (a supplier import's suppliers and certificates) and its state hash right
    after. The entry's summary carries `covers.sha256` over all its rows (core.ledger.covers_hash), so a row
    changed, added or removed here no longer matches the hash-chained entry (audit.reconcile)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="covered")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    state = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="ledger_covered_object")]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} in entry {self.entry_id}"


class LedgerHead(models.Model):
    """One row holding the chain's head. Writers lock it, so concurrent appends queue and never fork."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class Checkpoint(models.Model):
    """The chain's head at `seq`, signed with the installation's Ed25519 key.

    `public_key_pem` records which key signed it, for people reading the row; verification never uses it: it
    trusts only the keys in CONDUCT_HOME/keys (and LEDGER_TRUSTED_KEYS)."""

    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.TextField()
    public_key_pem = models.TextField()
    reason = models.CharField(max_length=40, default="on request")  # on request, every N entries, hourly, ...

    class Meta:
        ordering = ["-seq", "-at"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq}"
