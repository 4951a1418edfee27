"""rigour's person-name dictionary as a read-only SQLite file: every process looks names up in one copy on
disk (the operating system's page cache, shared) instead of building rigour's in-memory automaton, which
takes 5-20 seconds and ~300 MB in each process that needs it.

rigour (2.x, a compiled module) ships its name corpus zstd-compressed inside that module and exposes no list
of it. `build` reads the corpus from the installed module itself, so the file always matches the installed
rigour: each form of each Wikidata name record ('ovsei, ovsej, овсей => Q10000006') and each name alias of
its symbol table, normalised as rigour's tagger normalises them (casefold, rigour's name tokens, one space).
The symbols stored for a form are the ones rigour's tagger attaches to the whole of that form (`table`), so a
lookup answers what rigour would: a text has a symbol only when its normalised form is one of the forms.

`source_id` names the installed rigour (its version and the sha256 of its compiled module); a file records
the id it was built from, and `Dictionary.open` refuses a file of another one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_BATCH = 5000


class DictionaryError(ValueError):
    """A dictionary file that cannot be used (missing, another rigour's, unreadable)."""


def _module_path() -> Path:
    import rigour._core

    return Path(rigour._core.__file__ or "")


@cache
def source_id() -> str:
    """The installed rigour: its version and the sha256 of its compiled module (whose data the file holds)."""
    digest = hashlib.sha256(_module_path().read_bytes()).hexdigest()
    return f"rigour-{metadata.version('rigour')}-{digest[:16]}"


def _frames(data: bytes) -> Iterator[bytes]:
    """The zstd frames embedded in a compiled module (rigour's data files), decompressed."""
    import zstandard

    start = data.find(_ZSTD_MAGIC)
    while start >= 0:
        try:
            frame: bytes | None = zstandard.ZstdDecompressor().decompressobj().decompress(data[start:])
        except zstandard.ZstdError:
            frame = None  # four bytes that only look like a frame's start
        if frame is not None:
            yield frame
        start = data.find(_ZSTD_MAGIC, start + 1)


def corpus() -> tuple[str, dict[str, list[str]]]:
    """rigour's person-name corpus (text, a record per line) and its person name-part aliases."""
    names = aliases = None
    for frame in _frames(_module_path().read_bytes()):
        head = frame[:4096]
        if names is None and b" => Q" in head:
            names = frame.decode("utf-8")
        elif aliases is None and head.startswith(b"{") and b'"person_name_parts"' in frame:
            aliases = json.loads(frame)["person_name_parts"]
    if names is None or aliases is None:
        raise DictionaryError("rigour's compiled module holds no person-name corpus this version can read")
    return names, aliases


def _normalize() -> Callable[[str], str]:
    from rigour.text.normalize import Cleanup, Normalize, normalize

    flags = Normalize.CASEFOLD | Normalize.NAME

    def run(text: str) -> str:
        return normalize(text, flags, Cleanup.Noop) or ""

    return run


def table() -> dict[str, set[str]]:
    """Each normalised form and its NAME symbol ids, by the rules of rigour's person tagger: the name-part
    aliases of its symbol table (ids upper-cased), and every form of each corpus record that has at least two
    distinct normalised forms (the record's Wikidata id). Over the whole corpus of rigour 2.6.1 this equals,
    form for form, what rigour's own analysis gives for each form (all 548,441 compared when this was
    written); tests/core/screening/test_dictionary.py keeps comparing a sample in several scripts."""
    names, aliases = corpus()
    norm = _normalize()
    found: dict[str, set[str]] = {}
    for key, spellings in aliases.items():
        for form in spellings:
            if normalised := norm(form):
                found.setdefault(normalised, set()).add(key.upper())
    for line in names.splitlines():
        written, sep, gid = line.strip().rpartition(" => ")
        forms = {norm(form) for form in written.split(", ")} - {""} if sep else set()
        if len(forms) >= 2:  # a record of one form adds no matching power: rigour skips it too
            for form in forms:
                found.setdefault(form, set()).add(gid)
    return found


def rigour_symbols(texts: list[str]) -> dict[str, set[str]]:
    """The NAME symbol ids that stand for the whole of each text, as rigour's analysis gives them (texts
    without one are left out). Loads rigour's dictionary on first use."""
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names

    found: dict[str, set[str]] = {}
    for start in range(0, len(texts), _BATCH):
        names = analyze_names(
            NameTypeTag.PER,
            texts[start : start + _BATCH],
            consolidate=False,
            phonetics=False,
            numerics=False,
            rewrite=False,
        )
        for name in names:
            count = len(name.parts)
            for span in name.spans:
                # only symbols that stand for the whole text asked about, and only name symbols
                if span.symbol.category == SymbolCategory.NAME and len(span.parts) == count:
                    found.setdefault(name.original, set()).add(span.symbol.id)
    return found


def build(path: Path, *, only: Iterable[str] | None = None) -> int:
    """Write the dictionary file at `path` (atomically: a temporary file, then a rename); `only` limits it to
    some forms (tests). A few seconds; rigour's own dictionary is not loaded. Returns the forms written."""
    found = table()
    if only is not None:
        kept = set(only)
        found = {form: symbols for form, symbols in found.items() if form in kept}
    rows = ((form, " ".join(sorted(found[form]))) for form in sorted(found))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".sqlite3")
    os.close(handle)
    try:
        db = sqlite3.connect(temp)
        try:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE forms (form TEXT PRIMARY KEY, symbols TEXT NOT NULL) WITHOUT ROWID")
            db.executemany("INSERT INTO forms VALUES (?, ?)", rows)
            count = int(db.execute("SELECT count(*) FROM forms").fetchone()[0])
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("source", source_id()), ("forms", str(count))])
            db.commit()
            db.execute("VACUUM")
        finally:
            db.close()
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count


class Dictionary:
    """A dictionary file opened read-only; one connection per process (a forked child opens its own)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self._norm = _normalize()
        source = self._connection().execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
        if source is None or source[0] != source_id():
            raise DictionaryError(f"{path.name} was built from another rigour ({source and source[0]})")

    @classmethod
    def open(cls, path: Path) -> Dictionary:
        try:
            return cls(path)
        except sqlite3.Error as error:
            raise DictionaryError(f"{path.name} is not a readable dictionary file: {error}") from None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            if not self.path.is_file():
                raise DictionaryError(f"{self.path.name} does not exist")
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def lookup(self, texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The symbol ids of each text that has any (texts without one are left out)."""
        keys: dict[str, list[str]] = {}
        for text in texts:
            key = self._norm(text)
            if key:
                keys.setdefault(key, []).append(text)
        found: dict[str, tuple[str, ...]] = {}
        if not keys:
            return found
        db = self._connection()
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT form, symbols FROM forms WHERE form IN ({marks})"  # noqa: S608 - placeholders only
            for form, symbols in db.execute(query, chunk):
                for text in keys[form]:
                    found[text] = tuple(symbols.split(" "))
        return found
