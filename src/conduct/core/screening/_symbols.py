"""Cross-script name equivalences from rigour's person-name dictionary (Wikidata-derived): 'محمد',
'Mohamed' and 'Мухаммед' share a symbol; so do '山田' and 'Yamada', '正恩' and 'Jong Un'.

Loading rigour's dictionary takes 5-20 seconds and ~300 MB, so a process avoids it: where the application
has pointed `use_file` at a dictionary file (_dictionary: the same forms and symbols, read from disk through
SQLite, shared by every process in the page cache), texts are looked up there; rigour is loaded only when
there is no such file. An index artefact (_artefact) carries the symbols of every listed text too (`seed`),
and `shares` asks about a query's text only when the listed text has a symbol at all."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from conduct.core.screening._dictionary import Dictionary, rigour_symbols

_LOCK = threading.Lock()
_CACHE: dict[str, frozenset[int]] = {}
_IDS: dict[str, int] = {}
_NAMES: list[str] = []  # symbol id (as rigour spells it) per interned number
_EMPTY: frozenset[int] = frozenset()
# artefacts' tables (a dict, or a table read in place from a mapped artefact: anything with `get`), by the
# artefact's checksum, newest last: symbol ids as rigour names them, per text
_SEEDED: OrderedDict[object, Any] = OrderedDict()
SEEDS_KEPT = 32  # tables kept (the current lists' artefacts, and a few a process loaded before)
# Where a dictionary file comes from (set by the application), and what it gave: None = not asked yet.
_OPENER: Callable[[], Dictionary | None] | None = None
_FILE: list[Dictionary | None] = []
STATS = {"file": 0, "rigour": 0}  # texts looked up each way (tests and benchmarks read it)


def _intern(symbol_id: str) -> int:
    found = _IDS.get(symbol_id)
    if found is None:
        found = len(_IDS)
        _IDS[symbol_id] = found
        _NAMES.append(symbol_id)
    return found


def use_file(opener: Callable[[], Dictionary | None] | None) -> None:
    """Look texts up in the dictionary file `opener` returns (None: no file yet, asked again on the next
    lookup until rigour's own dictionary has been loaded here, after which there is no gain in switching)."""
    global _OPENER
    with _LOCK:
        _OPENER = opener
        _FILE.clear()


def _file() -> Dictionary | None:
    if _FILE:
        return _FILE[0]
    found = _OPENER() if _OPENER is not None else None
    if found is not None or STATS["rigour"]:
        _FILE.append(found)
    return found


def _analyse(texts: list[str]) -> None:
    dictionary = _file()
    if dictionary is not None:
        looked_up = dictionary.lookup(texts)
        STATS["file"] += len(texts)
        for text in texts:
            _CACHE[text] = frozenset(_intern(name) for name in looked_up.get(text, ()))
        return
    _analyse_rigour(texts)


def _analyse_rigour(texts: list[str]) -> None:
    STATS["rigour"] += len(texts)
    found = rigour_symbols(texts)
    for text in texts:
        _CACHE[text] = frozenset(_intern(name) for name in found.get(text, ()))


def _seeded(text: str) -> bool:
    """Take `text`'s symbols from the artefacts' tables, if they hold it (under _LOCK)."""
    for held in reversed(_SEEDED.values()):
        table = held() if isinstance(held, weakref.ref) else held
        names = table.get(text) if table is not None else None
        if names is not None:
            _CACHE[text] = frozenset(_intern(name) for name in names) if names else _EMPTY
            return True
    return False


def symbols(text: str) -> frozenset[int]:
    """Symbols that stand for the whole of `text` (one name part, or a short phrase such as 'jong un')."""
    found = _CACHE.get(text)
    if found is not None:
        return found
    with _LOCK:
        if text not in _CACHE and not _seeded(text):
            _analyse([text])
    return _CACHE.get(text, _EMPTY)


def prefetch(texts: Iterable[str]) -> None:
    """Look up many texts in batches (much faster than one at a time)."""
    missing = [text for text in dict.fromkeys(texts) if text and text not in _CACHE]
    if missing:
        with _LOCK:
            wanted = [text for text in missing if text not in _CACHE and not _seeded(text)]
            if wanted:
                _analyse(wanted)


def shares(query_text: str, listed_text: str) -> bool:
    """Whether two texts share a symbol; the listed side first, whose symbols an artefact usually holds,
    so a listed text without symbols never makes the dictionary load for the query's text."""
    listed = symbols(listed_text)
    return bool(listed) and bool(listed & symbols(query_text))


def table(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The symbols of each text as rigour names them (stable across processes), for an artefact. Texts
    without a symbol are kept too (with none): their absence is worth knowing."""
    wanted = [text for text in dict.fromkeys(texts) if text]
    prefetch(wanted)
    return {text: tuple(sorted(_NAMES[number] for number in _CACHE.get(text, _EMPTY))) for text in wanted}


def seed(found: Any, key: object = None, *, weak: bool = False) -> None:
    """Take the symbols of texts looked up in another process (an artefact's table: a dict or a mapped
    table, anything whose `get(text)` gives the symbol ids as rigour names them, or None) as if looked up
    here; each text's entry is made ready when it is first asked for (most never are). `key` names the
    table (an artefact's checksum): a table seeded again replaces the one of that key. `weak`: held only
    while something else holds it (a mapped table, held by its index: it goes with the index's mapping)."""
    with _LOCK:
        key = id(found) if key is None else key
        _SEEDED[key] = weakref.ref(found) if weak else found
        _SEEDED.move_to_end(key)
        for gone in [k for k, held in _SEEDED.items() if isinstance(held, weakref.ref) and held() is None]:
            del _SEEDED[gone]  # its index was dropped
        # beyond SEEDS_KEPT, the oldest tables held for their own sake go; those held weakly stay while their
        # index lives (the indexes a process keeps are bounded already)
        strong = [k for k, held in _SEEDED.items() if not isinstance(held, weakref.ref)]
        for oldest in strong[: max(0, len(_SEEDED) - SEEDS_KEPT)]:
            del _SEEDED[oldest]


def loaded() -> bool:
    return bool(_CACHE or _SEEDED)


def load_dictionary() -> None:
    """Make the name dictionary ready now by looking up one word: the dictionary file where there is one,
    else rigour's (a process that forks workers does it once for all of them, which then share its memory)."""
    with _LOCK:
        _analyse(["conduct"])
