"""Fixtures for the screening tests: small list files written in tmp_path, the shared real lists, a CLI
runner.

The test database already holds the demo's lists (ofac_non_sdn, bis_dpl, uflpa, internal_blocklist) and
parties; tests load their own lists under other names. Index cache files go to a temporary folder.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conduct.events import _bus
from tests.conftest import SHARED

WATCHLISTS = SHARED / "data" / "watchlists"
HEADER = "id,name,aliases,type,country,program,remarks\n"
FLOW_ROWS = {
    "T-1": "T-1,Tiankun Optical Trading Company Limited,,organization,CN,TEST-PROG,first listed 2024\n",
    "T-2": "T-2,Borealis Lens Works,Borealis Optics,organization,RU,TEST-PROG,\n",
    "T-3": "T-3,Ivan Petrovich Sidorov,,person,RU,TEST-PROG,\n",
}


def unsubscribe(event_type: type[Any], name: str) -> None:
    """Take a handler off the bus again (the bus has no public way: apps never unsubscribe)."""
    with _bus._lock:
        _bus._handlers[event_type] = [(n, h) for n, h in _bus._handlers.get(event_type, []) if n != name]


@pytest.fixture(autouse=True)
def _index_cache_in_tmp(tmp_path_factory: Any, settings: Any) -> None:
    settings.CONDUCT = {
        **settings.CONDUCT,
        "SCREENING_CACHE_DIR": str(tmp_path_factory.getbasetemp() / "index-cache"),
    }


def write_list(folder: Path, rows: dict[str, str], name: str = "flow.csv") -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(rows.values()), encoding="utf-8")
    return path


@pytest.fixture
def flow_csv(tmp_path: Path) -> Callable[..., Path]:
    """flow_csv(**changes) -> a generic CSV of FLOW_ROWS; a change replaces a row (None drops it)."""

    def make(name: str = "flow.csv", **changes: str | None) -> Path:
        rows = dict(FLOW_ROWS)
        for key, row in changes.items():
            if row is None:
                rows.pop(key, None)
            else:
                rows[key] = row
        return write_list(tmp_path, rows, name)

    return make


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def _run(*args: str) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    except CommandError as exc:  # argparse's usage errors (the real command line exits 2 for them)
        code, err = 2, io.StringIO(str(exc))
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(django_capture_on_commit_callbacks: Any) -> Callable[..., Ran]:
    """cli("lists_load", path, "--name", "x") -> Ran(code, out, err); on-commit tasks (delta screening)
    run."""

    def run(*args: str) -> Ran:
        with django_capture_on_commit_callbacks(execute=True):
            return _run(*args)

    return run


@pytest.fixture
def cli_without_tasks(db: None) -> Callable[..., Ran]:
    """As `cli`, but the on-commit tasks never run (the test's transaction is never committed)."""
    return _run
