"""Name tables an index artefact brings along (core.screening._artefact), computed by a process running the
same engine, and taken here as they are. Computing them imports pypinyin (its phrase dictionary: 1-4 s and
tens of MB) for the Chinese legal forms and the Wade-Giles syllables, which a process screening only Latin
names never needs otherwise."""

from __future__ import annotations

from typing import Any

_PRECOMPUTED: dict[str, Any] = {}


def precomputed(name: str) -> Any:
    """The table `name` as an artefact brought it, or None (then the caller computes it)."""
    return _PRECOMPUTED.get(name)


def snapshot() -> dict[str, Any]:
    """Every such table of this process (computing any not yet computed), for an artefact."""
    from conduct.core.screening._script import _wade_giles_table
    from conduct.core.screening._vocab import legal_form_table

    return {"legal_form_table": legal_form_table(), "wade_giles_table": _wade_giles_table()}


def use(tables: dict[str, Any]) -> None:
    """Take an artefact's tables (the first one loaded wins: every artefact of one engine holds the same)."""
    for name, value in tables.items():
        _PRECOMPUTED.setdefault(name, value)
