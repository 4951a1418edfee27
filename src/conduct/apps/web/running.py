"""Whether a Conduct server or worker is using this CONDUCT_HOME.

`conduct serve` and `conduct worker` hold a shared `flock` on `CONDUCT_HOME/server.lock` for as long as they
run (gunicorn's worker processes inherit it); the kernel drops it when the last of them exits, crashes
included. `conduct restore` asks for it exclusively and refuses while anyone holds it: a running server
keeps its database connections open, and would go on writing to the file the restore replaced.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

_HELD: list[int] = []


def _lock_path(home: Path) -> Path:
    return Path(home) / "server.lock"


def hold_running_lock(home: Path) -> None:
    """Mark this process (and the processes it forks) as using `home` until it exits."""
    Path(home).mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(home), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _HELD.append(fd)


def release_running_lock() -> None:
    while _HELD:
        os.close(_HELD.pop())


def something_running(home: Path) -> bool:
    """True while a server or worker holds the lock on `home`."""
    path = _lock_path(home)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases the probe's own lock
    return False
