"""Progress bars for long CLI work (list load, supplier import, batch screening, report build, vulnerability
load): one helper every command uses.

A bar is drawn on standard error only when it is a terminal, the `CI` environment variable is unset (or
"false"/"0") and the command was not asked for `--json`; otherwise every call is a no-op, so logs, pipes and
CI stay quiet. Django-free: the pipeline client and the management commands share it.

    with progress_bar(_("Loading the list"), total=None, quiet=opts["json"]) as bar:
        list_load(..., progress=bar.stage)     # services call bar.stage("what now") at each step
        bar.advance()                          # or count rows
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import IO, Any, Protocol


class Bar(Protocol):
    def advance(self, amount: int = 1) -> None:
        """Count `amount` more items done."""

    def stage(self, label: str) -> None:
        """Say what is being done now (a step of work whose size is not known)."""

    def set_total(self, total: int | None) -> None:
        """How many items there are, once known."""


class _Quiet:
    """A bar that draws nothing."""

    def advance(self, amount: int = 1) -> None:
        return None

    def stage(self, label: str) -> None:
        return None

    def set_total(self, total: int | None) -> None:
        return None


QUIET: Bar = _Quiet()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def bars_wanted(*, quiet: bool = False, stream: IO[str] | None = None) -> bool:
    """Whether a bar should be drawn: a terminal, not CI, not --json (quiet), and TERM is not "dumb"."""
    stream = stream if stream is not None else sys.stderr
    if quiet or in_ci() or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class _RichBar:
    def __init__(self, progress: Any, task: Any, label: str) -> None:
        self._progress = progress
        self._task = task
        self._label = label

    def advance(self, amount: int = 1) -> None:
        self._progress.advance(self._task, amount)

    def stage(self, label: str) -> None:
        self._progress.update(self._task, description=f"{self._label}: {label}")

    def set_total(self, total: int | None) -> None:
        self._progress.update(self._task, total=total)


@contextlib.contextmanager
def progress_bar(
    label: str, total: int | None = None, *, quiet: bool = False, stream: IO[str] | None = None
) -> Iterator[Bar]:
    """A bar labelled `label` counting to `total` (None: a moving bar with the current stage), or QUIET."""
    if not bars_wanted(quiet=quiet, stream=stream):
        yield QUIET
        return
    from rich.console import Console  # imported only when a bar is drawn
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=stream if stream is not None else sys.stderr)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn()]
    if total is not None:
        columns.append(MofNCompleteColumn())
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(str(label), total=total)
        yield _RichBar(progress, task, str(label))
