"""Django's SQLite backend with a fair writer queue.

SQLite lets one writer in at a time. A transaction that finds the database locked is retried by SQLite's
busy handler, which sleeps between attempts (1, 2, 5, 10 ... up to 100 ms): under concurrent writes the lock
often sits free while every waiter sleeps, throughput collapses and the slowest requests wait seconds. Here a
write transaction (`BEGIN IMMEDIATE`, which Conduct's atomic blocks use) first queues on an exclusive lock on
a file beside the database (`<db>-writer.lock`, `fcntl.flock`), which the kernel hands to the next waiter the
moment it is released, across threads and processes. SQLite's own locking still guards the data; this only
orders the writers that would otherwise poll for it. Statements outside atomic blocks are unaffected.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None

    def _writer_lock_path(self) -> str | None:
        if self.transaction_mode != "IMMEDIATE" or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writer.lock"

    def _start_transaction_under_autocommit(self) -> None:
        path = self._writer_lock_path()
        if path is not None and self._writer_fd is None:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(
                    fd, fcntl.LOCK_EX
                )  # each open file description is its own lock: threads queue too
            except BaseException:
                os.close(fd)
                raise
            self._writer_fd = fd
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        fd, self._writer_fd = self._writer_fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases its flock

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_writer()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_writer()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_writer()


__all__ = ["DatabaseWrapper"]
