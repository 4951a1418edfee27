"""Scoped reads of the ledger: officers, admins and auditors read it; nobody else does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require, scoped
from conduct.apps.audit import keys as ledger_keys
from conduct.apps.audit.models import Checkpoint, LedgerEntry
from conduct.apps.audit.services import export_lines
from conduct.apps.audit.verify import (
    LedgerVerification,
    Published,
    PublishedError,
    checkpoint_dict,
    ledger_verify,
)
from conduct.apps.errors import Invalid, NotFound


@dataclass(frozen=True)
class LedgerFilters:
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


def _start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min), timezone.get_current_timezone())


def ledger_list(*, actor: User, filters: LedgerFilters | None = None) -> QuerySet[LedgerEntry]:
    """The ledger page and API: a role without `ledger.view` is refused (403)."""
    require(actor, "ledger.view")
    return _entries(actor, filters)


def ledger_entry_get(*, actor: User, seq: int) -> LedgerEntry:
    entry: LedgerEntry | None = ledger_list(actor=actor).filter(seq=seq).first()
    if entry is None:
        raise NotFound(_("No ledger entry #%(seq)s.") % {"seq": seq})
    return entry


def _entries(actor: User, filters: LedgerFilters | None) -> QuerySet[LedgerEntry]:
    qs = scoped(LedgerEntry.objects.all(), actor, permission="ledger.view", global_model=True)
    f = filters or LedgerFilters()
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.actor:
        qs = qs.filter(actor__icontains=f.actor)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.since:
        qs = qs.filter(at__gte=_start(f.since))
    if f.until:
        qs = qs.filter(at__lt=_start(f.until + timedelta(days=1)))
    return qs.order_by("-seq")


def checkpoint_list(*, actor: User) -> QuerySet[Checkpoint]:
    require(actor, "ledger.view")
    return scoped(Checkpoint.objects.all(), actor, permission="ledger.view", global_model=True)


def object_history(*, actor: User, object_type: str, object_id: object) -> QuerySet[LedgerEntry]:
    """An object's entries for its page: empty for a role without `ledger.view` (the page shows the history
    only to roles that hold it)."""
    return _entries(actor, LedgerFilters(object_type=object_type, object_id=str(object_id)))


def ledger_verification(*, actor: Actor, records: bool = False, published: str = "") -> LedgerVerification:
    """`verify.ledger_verify` for the page and the API: needs `ledger.verify`; `published` is a published
    checkpoint as text (Invalid on the `published` field when it does not parse)."""
    require(actor, "ledger.verify")
    checkpoint = None
    if published:
        try:
            checkpoint = Published.parse(published)
        except PublishedError as exc:
            raise Invalid(str(exc), fields={"published": str(exc)}) from None
    return ledger_verify(records=records, published=checkpoint)


def ledger_export(*, actor: Actor) -> Iterator[str]:
    """The whole ledger as JSON lines (services.export_lines): needs `ledger.view`."""
    require(actor, "ledger.view")
    return export_lines()


def latest_checkpoint() -> dict[str, object] | None:
    """The latest signed checkpoint in its published form, for the transparency report and auditors:
    {"type": "checkpoint", "seq", "head_hash", "at", "key_id", "signature", "key_fingerprint"}. Saved as a
    file it is what `conduct audit verify --checkpoint FILE` takes; `f"{seq}:{head_hash}"` is what
    `--published` takes. The fingerprint is the full sha256 of the signing key (LEDGER_TRUSTED_KEYS), from
    the key folder; "" when that key is not there. Public facts: no actor needed. None before any
    checkpoint."""
    cp = Checkpoint.objects.order_by("-seq", "-at", "-pk").first()
    if cp is None:
        return None
    key = ledger_keys.trusted_keys().keys.get(cp.key_id)
    return {"type": "checkpoint", **checkpoint_dict(cp), "key_fingerprint": key.fingerprint if key else ""}
