"""conduct.db.sqlite: write transactions queue on a file lock (handed straight to the next writer) instead of
sleeping in SQLite's busy handler; the lock never outlives the transaction."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, connections, transaction

from conduct.apps.audit.models import LedgerHead

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_file_only():
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        pytest.skip("the writer queue is for file-backed SQLite")


def test_the_lock_is_held_for_the_transaction_only_and_released_on_rollback():
    with transaction.atomic():
        LedgerHead.objects.get_or_create(pk=1)
        assert connection._writer_fd is not None
    assert connection._writer_fd is None
    with pytest.raises(RuntimeError), transaction.atomic():
        LedgerHead.objects.get_or_create(pk=1)
        raise RuntimeError("roll back")
    assert connection._writer_fd is None


def test_other_writers_find_the_lock_taken_until_the_commit():
    path = f"{connection.settings_dict['NAME']}-writer.lock"
    probe = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with transaction.atomic():
            LedgerHead.objects.get_or_create(pk=1)
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once committed
        fcntl.flock(probe, fcntl.LOCK_UN)
    finally:
        os.close(probe)


def test_a_second_writer_waits_for_the_first_and_then_goes_ahead():
    order: list[str] = []
    inside = threading.Event()

    def second() -> None:
        try:
            inside.wait(5)
            with transaction.atomic():
                order.append("second")
        finally:
            connections.close_all()

    other = threading.Thread(target=second)
    other.start()
    with transaction.atomic():
        order.append("first")
        inside.set()
        time.sleep(0.3)  # the other thread is now queued on the lock, not inside a transaction
        order.append("first done")
    other.join(10)
    assert order == ["first", "first done", "second"]
