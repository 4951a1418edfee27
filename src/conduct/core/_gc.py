"""Pausing Python's cyclic garbage collector around work that makes many objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a bulk computation or load, restoring it after.

    Building or unpickling a large structure (a name index, a risk computation's results) creates around a
    million small objects that live on or that reference counting frees; every cyclic collection triggered
    meanwhile walks the growing heap again (an index artefact of 28,000 names unpickled in 0.77 s with the
    collector running, 0.19 s paused). Nothing is lost by pausing: cycles made meanwhile are collected by
    the next collection after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
