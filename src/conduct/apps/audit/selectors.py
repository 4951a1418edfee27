"""Scoped reads of the ledger: officers, admins and auditors read it; nobody else does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import scoped
from conduct.apps.audit.models import Checkpoint, LedgerEntry


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
    return scoped(Checkpoint.objects.all(), actor, permission="ledger.view", global_model=True)


def object_history(*, actor: User, object_type: str, object_id: object) -> QuerySet[LedgerEntry]:
    return ledger_list(actor=actor, filters=LedgerFilters(object_type=object_type, object_id=str(object_id)))
