"""Cross-script name equivalences from rigour's person-name dictionary (Wikidata-derived): 'محمد',
'Mohamed' and 'Мухаммед' share a symbol; so do '山田' and 'Yamada', '正恩' and 'Jong Un'.

Loading the dictionary takes 10-20 seconds and ~250 MB, so it happens on first use only. An index artefact
(_artefact) carries the symbols of every listed text, so a process that loads one answers the listed side from
that table (`seed`), and `shares` asks the dictionary about a query's text only when the listed text has a
symbol at all: most screenings never load the dictionary."""

from __future__ import annotations

import threading
from collections.abc import Iterable

_LOCK = threading.Lock()
_CACHE: dict[str, frozenset[int]] = {}
_IDS: dict[str, int] = {}
_NAMES: list[str] = []  # symbol id (as rigour spells it) per interned number
_EMPTY: frozenset[int] = frozenset()
_BATCH = 2000


def _intern(symbol_id: str) -> int:
    found = _IDS.get(symbol_id)
    if found is None:
        found = len(_IDS)
        _IDS[symbol_id] = found
        _NAMES.append(symbol_id)
    return found


def _analyse(texts: list[str]) -> None:
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names

    for start in range(0, len(texts), _BATCH):
        chunk = texts[start : start + _BATCH]
        names = analyze_names(
            NameTypeTag.PER, chunk, consolidate=False, phonetics=False, numerics=False, rewrite=False
        )
        found: dict[str, set[int]] = {}
        for name in names:
            part_count = len(name.parts)
            symbols = found.setdefault(name.original, set())
            for span in name.spans:
                # only symbols that stand for the whole text asked about, and only name symbols
                if span.symbol.category == SymbolCategory.NAME and len(span.parts) == part_count:
                    symbols.add(_intern(span.symbol.id))
        for text in chunk:
            _CACHE[text] = frozenset(found.get(text, ()))


def symbols(text: str) -> frozenset[int]:
    """Symbols that stand for the whole of `text` (one name part, or a short phrase such as 'jong un')."""
    found = _CACHE.get(text)
    if found is not None:
        return found
    with _LOCK:
        if text not in _CACHE:
            _analyse([text])
    return _CACHE.get(text, _EMPTY)


def prefetch(texts: Iterable[str]) -> None:
    """Look up many texts in batches (much faster than one at a time)."""
    missing = [text for text in dict.fromkeys(texts) if text and text not in _CACHE]
    if missing:
        with _LOCK:
            _analyse([text for text in missing if text not in _CACHE])


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


def seed(found: dict[str, tuple[str, ...]]) -> None:
    """Take the symbols of texts looked up in another process (an artefact's table) as if looked up here."""
    with _LOCK:
        for text, names in found.items():
            if text not in _CACHE:
                _CACHE[text] = frozenset(_intern(name) for name in names) if names else _EMPTY


def loaded() -> bool:
    return bool(_CACHE)


def load_dictionary() -> None:
    """Load rigour's person-name dictionary now (a process that forks workers does it once for all of them,
    which then share its memory), by looking up one word."""
    with _LOCK:
        _analyse(["conduct"])
