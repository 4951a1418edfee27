"""Index artefacts: a NameIndex and the name-dictionary symbols of every listed text, as the bytes of one
file, so a new process gets in a fraction of a second what took seconds to build, and never loads the name
dictionary (rigour's, 10-20 s and ~250 MB) for the listed side of a comparison.

Layout: MAGIC, FORMAT (2 bytes), the sha256 of the payload (32 bytes), the payload: a pickle of the index
(whatever its attributes hold, so the index can change shape freely), the symbol table and the engine's own
name tables (_tables: legal forms, Wade-Giles syllables; computing them imports pypinyin). `loads` checks
all three and raises ArtefactError on any mismatch, never returning half a file. Pickle runs code from the
bytes it reads: callers load only files their own installation wrote, and sign them (apps/screening/indexes.py
adds an HMAC made with SECRET_KEY in front of these bytes).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import pickle  # noqa: S403 - see the module docstring: only verified bytes of this installation
from collections.abc import Iterator
from typing import Any

from conduct.core._gc import paused_gc
from conduct.core.screening import _symbols, _tables
from conduct.core.screening._index import NameIndex
from conduct.core.screening._normalize import NameToken

MAGIC = b"CONDUCT-NAMEINDEX\n"
FORMAT = 1  # bump when the layout (not the index) changes
_HEAD = len(MAGIC) + 2 + 32
JOINED = 3  # listed parts the aligner may join into one (its runs of 2-3 adjacent parts)


class ArtefactError(ValueError):
    """Bytes that are not a whole, current artefact (truncated, corrupt, another format)."""


def _plain(cls: type) -> bool:
    """A slotted dataclass rebuilt by calling it with its fields in order (no __post_init__ to re-run)."""
    return (
        dataclasses.is_dataclass(cls)
        and "__slots__" in cls.__dict__
        and not hasattr(cls, "__post_init__")
        and all(field.init for field in dataclasses.fields(cls))
    )


class _Pickler(pickle.Pickler):
    """Slotted dataclasses as (class, field values): unpickled at C speed, where the default way calls
    dataclasses.fields() once per object (about a second for the SDN list's ~90,000 parts and names)."""

    _plain_classes: dict[type, bool] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        plain = self._plain_classes.get(cls)
        if plain is None:
            plain = self._plain_classes[cls] = _plain(cls)
        if not plain:
            return NotImplemented
        return cls, tuple(getattr(obj, field.name) for field in dataclasses.fields(obj))


def _runs(tokens: tuple[NameToken, ...]) -> Iterator[str]:
    """The texts the scorer may ask the name dictionary about on the listed side: each part's text, source
    and phrase, and each run of 2-3 adjacent parts written as one word, as a phrase and in its script."""
    for start in range(len(tokens)):
        for size in range(1, JOINED + 1):
            parts = tokens[start : start + size]
            if len(parts) < size:
                break
            if size == 1:
                yield from (parts[0].text, parts[0].source, parts[0].phrase)
                continue
            surfaces = [t.phrase if t.phrase else t.text for t in parts]
            texts = [t.text for t in parts]
            yield from ("".join(surfaces), " ".join(surfaces), "".join(texts), " ".join(texts))
            if all(t.source for t in parts):
                yield "".join(t.source for t in parts)


def listed_texts(index: NameIndex) -> set[str]:
    """Every text of the index that a screening may look up in the name dictionary."""
    texts: set[str] = set()
    for indexed in index.names:
        texts.update(_runs(indexed.form.tokens))
    texts.discard("")
    return texts


# Above this many listed names the symbol table is left out: at 1,000,000 names it held millions of texts
# (276 MB, 18 minutes to look up, 2.5 GB in each process that loaded it), more than the dictionary itself.
# Such an artefact still carries the index and the tables; the dictionary then loads on first need, as before.
SYMBOLS_MAX_NAMES = 200_000


def dumps(index: NameIndex) -> bytes:
    """The artefact of an index (looks up the symbols of its texts: loads the name dictionary)."""
    small = len(index.names) <= SYMBOLS_MAX_NAMES
    symbols = _symbols.table(sorted(listed_texts(index))) if small else {}
    clean = copy.copy(index)
    clean._symbol_vocab = None  # numbered by this process's symbol ids: rebuilt where it is loaded
    clean._tokens, clean._scripts = {}, {}  # the build's sharing of equal parts: only add() reads them
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((clean, symbols, _tables.snapshot()))
    payload = buffer.getvalue()
    return MAGIC + FORMAT.to_bytes(2, "big") + hashlib.sha256(payload).digest() + payload


def loads(data: bytes | memoryview) -> NameIndex:
    """The index an artefact holds; its symbol table goes to the name dictionary's cache."""
    with memoryview(data) as view, view[_HEAD:] as payload:
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise ArtefactError("not a name index artefact")
        if int.from_bytes(view[len(MAGIC) : len(MAGIC) + 2], "big") != FORMAT:
            raise ArtefactError("a name index artefact of another format")
        if hashlib.sha256(payload).digest() != bytes(view[len(MAGIC) + 2 : _HEAD]):
            raise ArtefactError("a name index artefact that does not match its checksum")
        try:
            with paused_gc():  # a million objects: collections meanwhile would make this 4x slower
                index, symbols, tables = pickle.loads(payload)  # noqa: S301 - checked above; callers verify it
        except Exception as error:  # noqa: BLE001 - any unreadable payload is one kind of error
            raise ArtefactError(f"an unreadable name index artefact: {type(error).__name__}") from None
    if not isinstance(index, NameIndex) or not isinstance(symbols, dict) or not isinstance(tables, dict):
        raise ArtefactError("a name index artefact without an index")
    _symbols.seed(symbols)
    _tables.use(tables)
    return index
