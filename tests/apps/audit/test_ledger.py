"""The audit ledger in the database: every write chained, tampering of any field caught, no forks."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.apps.audit.services import checkpoint_create, export_lines, ledger_append, ledger_verify

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[LedgerEntry]:
    return [
        ledger_append(
            actor="test",
            action="test.write",
            object_type="thing",
            object_id=i,
            summary={"n": i, "nested": {"k": [i]}},
        )
        for i in range(n)
    ]


def test_the_demo_chain_verifies() -> None:
    result = ledger_verify()
    assert result.ok, result.reason
    assert result.verified == LedgerHead.objects.get().seq == LedgerEntry.objects.count()


TAMPERS = {
    "seq": lambda e: {"seq": e.seq + 100000},
    "at": lambda e: {"at": e.at + timedelta(microseconds=1)},
    "actor": lambda e: {"actor": "user:1:admin"},
    "action": lambda e: {"action": "test.other"},
    "object_type": lambda e: {"object_type": "other"},
    "object_id": lambda e: {"object_id": "999"},
    "summary": lambda e: {"summary": {**e.summary, "nested": {"k": [-1]}}},
    "prev_hash": lambda e: {"prev_hash": "f" * 64},
    "hash": lambda e: {"hash": "e" * 64},
}


@pytest.mark.parametrize("field", sorted(TAMPERS))
def test_changing_any_stored_field_of_an_entry_is_caught_and_named(field: Any, capsys: Any) -> None:
    entries = _append(3)
    victim = entries[1]
    LedgerEntry.objects.filter(pk=victim.pk).update(**TAMPERS[field](victim))
    result = ledger_verify()
    assert not result.ok
    assert result.first_bad_seq == victim.seq, (field, result)
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert f"entry #{victim.seq}" in capsys.readouterr().err


def test_deleting_the_last_entry_is_caught_by_the_stored_head() -> None:
    entries = _append(2)
    LedgerEntry.objects.filter(pk=entries[-1].pk).delete()
    result = ledger_verify()
    assert not result.ok
    assert result.first_bad_seq == entries[-1].seq


def test_a_checkpoint_whose_signature_or_head_is_altered_fails() -> None:
    _append(1)
    cp = checkpoint_create(actor="test")
    assert ledger_verify().ok
    assert ledger_verify().checkpoints_checked >= 1
    Checkpoint.objects.filter(pk=cp.pk).update(head_hash="a" * 64)
    assert not ledger_verify().ok


def test_the_export_verifies_offline_and_fails_after_any_change(tmp_path: Any, capsys: Any) -> None:
    _append(2)
    checkpoint_create(actor="test")
    export = tmp_path / "ledger.jsonl"
    key = tmp_path / "key.pem"
    call_command("audit_export", out=export, public_key_out=key)
    capsys.readouterr()
    call_command("audit_verify", export=export, public_key=key)
    assert "ok:" in capsys.readouterr().out
    lines = export.read_text().splitlines()
    target = next(i for i, line in enumerate(lines) if '"action":"test.write"' in line)
    record = json.loads(lines[target])
    record["summary"]["n"] = 41
    lines[target] = json.dumps(record, separators=(",", ":"), sort_keys=True)
    export.write_text("\n".join(lines) + "\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", export=export, public_key=key)
    assert exit_info.value.code == 1
    assert f"seq {record['seq']}" in capsys.readouterr().err


def test_the_export_lists_every_entry_and_checkpoint() -> None:
    checkpoint_create(actor="test")
    lines = [json.loads(line) for line in export_lines()]
    assert lines[0]["type"] == "header"
    assert sum(1 for line in lines if line.get("type") == "checkpoint") == Checkpoint.objects.count()
    assert sum(1 for line in lines if "action" in line) == LedgerEntry.objects.count()


def test_the_daily_checkpoint_task_signs_once_a_day() -> None:
    from conduct.apps.audit.tasks import daily_checkpoint

    daily_checkpoint.call()
    daily_checkpoint.call()
    assert Checkpoint.objects.filter(reason="daily").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_or_leave_a_gap() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory SQLite test database takes shared-cache table locks; runs on PostgreSQL")
    """Parallel appends from several connections: one unbroken chain with no gaps (PostgreSQL locks the head
    row; SQLite's IMMEDIATE transactions queue the writers)."""
    from django.core.management import call_command as cc

    cc("migrate", verbosity=0)  # transactional tests start from a flushed database; the head row must exist
    LedgerHead.objects.get_or_create(pk=1)
    start = LedgerHead.objects.get().seq
    writers, per_writer = 6, 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                ledger_append(
                    actor=f"worker:{worker}", action="test.concurrent", object_type="t", object_id=i
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    seqs = list(LedgerEntry.objects.filter(seq__gt=start).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(start + 1, start + 1 + writers * per_writer))
    result = ledger_verify()
    assert result.ok, result.reason
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_batch_appends_in_order_as_one_unbroken_run() -> None:
    from conduct.apps.audit.services import LedgerItem, ledger_append_many

    head = LedgerHead.objects.get()
    entries = ledger_append_many(
        actor="test", items=[LedgerItem("test.batch", "thing", i, {"n": i}) for i in range(3)]
    )
    stored = list(LedgerEntry.objects.filter(seq__gt=head.seq).order_by("seq"))
    assert [e.seq for e in stored] == [head.seq + 1, head.seq + 2, head.seq + 3]
    assert [e.object_id for e in stored] == ["0", "1", "2"]
    assert stored[0].prev_hash == head.hash
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert [e.hash for e in entries] == [e.hash for e in stored]
    assert LedgerHead.objects.get().hash == stored[-1].hash
    assert ledger_verify().ok
    assert ledger_append_many(actor="test", items=[]) == []


def test_the_ledgers_reason_comes_in_the_cli_language(capsys: Any) -> None:
    from django.utils import translation

    entries = _append(3)
    LedgerEntry.objects.filter(pk=entries[1].pk).update(prev_hash="f" * 64)
    with translation.override("zh-hans"), pytest.raises(SystemExit):
        call_command("audit_verify")
    chinese = capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("audit_verify")
    english = capsys.readouterr().err
    assert "prev_hash does not match" in english
    assert "prev_hash does not match" not in chinese and f"#{entries[1].seq}" in chinese
