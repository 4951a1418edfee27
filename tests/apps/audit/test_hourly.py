"""An idle ledger's unsigned tail is signed by the scheduler's hourly checkpoint, not only at the next write
or by the daily checkpoint; a fully signed ledger is left alone."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import module_loading, timezone

from conduct.apps.audit import services, tasks
from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.apps.audit.services import checkpoint_create, ledger_verify
from conduct.apps.web.management.commands import worker
from tests.factories.audit import LedgerEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: Any) -> Any:
    """clock(delta) moves Django's clock `delta` from the real time on."""
    real = timezone.now

    def move(delta: timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real() + delta)

    return move


def test_an_idle_ledger_with_unsigned_entries_is_signed_within_the_hour(
    settings: Any, clock: Any, monkeypatch: Any
) -> None:
    settings.LEDGER_CHECKPOINT_HOURS = 1
    settings.LEDGER_CHECKPOINT_EVERY = 0
    checkpoint_create(actor="test", reason="start")
    monkeypatch.setattr(services, "_next_hourly_check", float("inf"))  # the append path signs nothing
    LedgerEntryFactory.create_batch(3)
    head = LedgerHead.objects.get(pk=1)
    assert not Checkpoint.objects.filter(seq=head.seq).exists()

    clock(timedelta(minutes=30))
    assert tasks.hourly_checkpoint.call() is None  # the latest checkpoint is not an hour old yet
    clock(timedelta(minutes=61))
    assert tasks.hourly_checkpoint.call() == head.seq
    signed = Checkpoint.objects.get(seq=head.seq)
    assert signed.reason == "hourly"
    assert not LedgerEntry.objects.filter(seq__gt=head.seq).exists()  # not ledgered: the ledger stays idle
    assert ledger_verify().ok

    clock(timedelta(hours=5))
    assert tasks.hourly_checkpoint.call() is None  # nothing unsigned: nothing to do
    assert Checkpoint.objects.filter(reason="hourly").count() == 1


def test_the_hourly_check_can_be_turned_off(settings: Any, clock: Any) -> None:
    settings.LEDGER_CHECKPOINT_HOURS = 0
    LedgerEntryFactory()
    clock(timedelta(hours=3))
    assert tasks.hourly_checkpoint.call() is None


def test_the_worker_enqueues_the_hourly_check_once_per_period(clock: Any, monkeypatch: Any) -> None:
    enqueued: list[str] = []
    monkeypatch.setattr(worker, "DAILY_JOBS", [])
    monkeypatch.setattr(worker, "PERIODIC_JOBS", [("conduct.apps.audit.tasks.hourly_checkpoint", 600)])
    fake = SimpleNamespace(enqueue=lambda: enqueued.append("hourly"))
    monkeypatch.setattr(module_loading, "import_string", lambda path: fake)
    state: dict[str, str] = {}
    worker._enqueue_due(state)
    worker._enqueue_due(state)  # the scheduler's next minute, same period
    assert enqueued == ["hourly"]
    clock(timedelta(minutes=10))
    worker._enqueue_due(state)
    assert enqueued == ["hourly", "hourly"]
