"""Work done in a forked child process, so that what it leaves in memory (a build's working memory, the
system check's walks of the models and templates) goes with the child instead of staying in a process that
forks web workers later (`conduct serve`) or serves for long."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from django.core.management.base import CommandError
from django.db import connections


def in_child(work: Callable[[], None], *, log: logging.Logger, failure: str, databases: bool = False) -> bool:
    """Run `work` in a forked child and wait for it: whether it succeeded. A CommandError's message is
    printed to stderr (what its reader should see, as the CLI would); any other failure is logged with
    `failure`. The child always ends with `os._exit`: it never goes on into its parent's work.

    `databases`: the work uses the database. The parent's connections are closed first (a child must not
    share them) and the child closes its own at the end; not allowed inside a transaction. Without it the
    work must not touch the database."""
    if databases:
        connections.close_all()  # the child opens its own
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child; it never returns from here
        code = 1
        try:
            work()
            code = 0
        except CommandError as exc:  # e.g. the system check's findings (a SystemCheckError)
            sys.stderr.write(f"{exc}\n")
        except BaseException:  # noqa: BLE001 - said in the log; the parent decides what follows
            log.exception(failure)
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
                if databases:
                    connections.close_all()
            finally:
                os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
