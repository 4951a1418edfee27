"""Index artefacts: a NameIndex and the name-dictionary symbols of every listed text, as the bytes of one
file, so a new process gets in a fraction of a second what took seconds to build, and never loads the name
dictionary (rigour's, 10-20 s and ~250 MB) for the listed side of a comparison.

Layout: MAGIC, FORMAT (2 bytes), the sha256 of the payload (32 bytes), the payload: the head's length
(8 bytes, little-endian), the head, then byte sections, each at a multiple of 8 from the artefact's start.
The head is a pickle of the index's small parts (its vocabulary: whatever attributes it holds beside the
sections, so the index can change shape freely), the table of distinct name parts, the engine's own name
tables (_tables: legal forms, Wade-Giles syllables; computing them imports pypinyin) and where each section
lies. The sections hold the bulk - the entries and their names as records, the postings, each entry's party,
the lookup tables by deletion, sound and skeleton, the listed texts' name-dictionary symbols - read in place
(core.screening._mapped): an artefact loaded from a mapped file is one copy however many processes map it,
and a million names load in the time the head takes.

`loads` checks the magic, the format and the checksum and raises ArtefactError on any mismatch, never
returning half a file. Pickle (the head, and an entry marshal cannot write) runs code from the bytes it reads:
callers load only files their own installation wrote, and sign them (apps/screening/indexes.py adds an HMAC
made with SECRET_KEY in front of these bytes).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import marshal
import pickle  # noqa: S403 - see the module docstring: only verified bytes of this installation
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from conduct.core._gc import paused_gc
from conduct.core.screening import _symbols, _tables
from conduct.core.screening._index import IndexedName, NameIndex
from conduct.core.screening._mapped import Frozen, NumbersTable, Postings, Records, TextsTable, Writer
from conduct.core.screening._normalize import NameToken, NormalizedName
from conduct.core.screening.model import EntryName, ListEntry

MAGIC = b"CONDUCT-NAMEINDEX\n"
FORMAT = 2  # bump when the layout (not the index) changes
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


_ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(ListEntry))
_NAMES_AT = _ENTRY_FIELDS.index("names")


def _entry_record(item: tuple[str, str, ListEntry]) -> bytes:
    """An entry as marshal data (its names as (name, kind) pairs); pickled where marshal cannot write it
    (a value in `extra` that is not plain data)."""
    list_id, list_kind, entry = item
    values = [getattr(entry, name) for name in _ENTRY_FIELDS]
    values[_NAMES_AT] = tuple((name.name, name.kind) for name in entry.names)
    try:
        return b"M" + marshal.dumps((list_id, list_kind, tuple(values)))
    except ValueError:
        return b"P" + pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


def _entry_decoded(data: memoryview) -> tuple[str, str, ListEntry]:
    # pickled entries are decoded when the artefact is loaded (_entries), never from its bytes later
    if data[0] != ord("M"):
        raise ValueError("an entry record that is not marshal data")
    list_id, list_kind, values = marshal.loads(data[1:])  # noqa: S302 - verified bytes (docstring)
    fields = list(values)
    fields[_NAMES_AT] = tuple(EntryName(name, kind) for name, kind in fields[_NAMES_AT])
    return list_id, list_kind, ListEntry(*fields)


def _names_decoder(
    parts: list[NameToken], scripts: list[frozenset[str]]
) -> Callable[[memoryview], IndexedName]:
    part = parts.__getitem__

    def decoded(data: memoryview) -> IndexedName:
        entry, name, original, part_ids, script, org = marshal.loads(data)  # noqa: S302 - verified bytes
        form = NormalizedName(original, tuple(map(part, part_ids)), scripts[script], org)
        return IndexedName(entry, name, form)

    return decoded


def _sections(index: NameIndex) -> tuple[Writer, list[NameToken], list[frozenset[str]]]:
    """The index's bulk as byte sections, and the tables of distinct name parts and script sets that its
    name records number."""
    parts: dict[NameToken, int] = {}
    scripts: dict[frozenset[str], int] = {}

    def name_record(indexed: IndexedName) -> bytes:
        form = indexed.form
        part_ids = tuple(parts.setdefault(token, len(parts)) for token in form.tokens)
        script = scripts.setdefault(form.scripts, len(scripts))
        return marshal.dumps((indexed.entry, indexed.name, form.original, part_ids, script, form.org))

    writer = Writer()
    writer.records("names", (name_record(indexed) for indexed in index.names))
    writer.numbers("name_entry", [indexed.entry for indexed in index.names])
    pickled: list[int] = []

    def entry_record(position: int, item: tuple[str, str, ListEntry]) -> bytes:
        data = _entry_record(item)
        if data[:1] == b"P":
            pickled.append(position)
        return data

    writer.records("entries", (entry_record(n, item) for n, item in enumerate(index.entries)))
    writer.numbers("entries.pickled", pickled)
    writer.postings("postings", index._postings)
    writer.numbers("party", index._party)
    party_keys = index._party_keys
    writer.value("party_keys", party_keys.value() if isinstance(party_keys, Frozen) else party_keys)
    writer.numbers_table("deletes", {key: _numbers(ids) for key, ids in index._deletes.items()})
    writer.numbers_table("phonetic", dict(index._phonetic.items()))
    writer.numbers_table("skeleton", dict(index._skeleton.items()))
    return writer, list(parts), list(scripts)


def _numbers(ids: int | Sequence[int]) -> Sequence[int]:
    return (ids,) if isinstance(ids, int) else ids


def _aligned(position: int) -> int:
    return position + (-position % 8)


def dumps(index: NameIndex) -> bytes:
    """The artefact of an index (looks up the symbols of its texts: loads the name dictionary)."""
    small = len(index.names) <= SYMBOLS_MAX_NAMES
    symbols = _symbols.table(sorted(listed_texts(index))) if small else {}
    writer, parts, scripts = _sections(index)
    writer.texts_table("symbols", symbols)
    head_index = copy.copy(index)
    head_index._symbol_vocab = None  # numbered by this process's symbol ids: rebuilt where it is loaded
    head_index._tokens, head_index._scripts = {}, {}  # the build's sharing of equal parts: add() reads them
    head_index.entries, head_index.names, head_index._postings, head_index._party = [], [], [], []
    head_index._name_entry, head_index._party_keys, head_index._keep = None, {}, ()
    head_index._deletes, head_index._phonetic, head_index._skeleton = {}, {}, {}
    layout, sections = writer.layout(0)
    buffer = io.BytesIO()
    head = (head_index, parts, scripts, _tables.snapshot(), sys.byteorder, layout)
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(head)
    head_bytes = buffer.getvalue()
    start = _HEAD + 8 + len(head_bytes)
    out = io.BytesIO()
    out.write(len(head_bytes).to_bytes(8, "little"))
    out.write(head_bytes)
    out.write(bytes(_aligned(start) - start))
    for section in sections:
        out.write(section)
    payload = out.getvalue()
    return MAGIC + FORMAT.to_bytes(2, "big") + hashlib.sha256(payload).digest() + payload


def _checked(view: memoryview, verified: bool) -> None:
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise ArtefactError("not a name index artefact")
    if int.from_bytes(view[len(MAGIC) : len(MAGIC) + 2], "big") != FORMAT:
        raise ArtefactError("a name index artefact of another format")
    if not verified and hashlib.sha256(view[_HEAD:]).digest() != bytes(view[len(MAGIC) + 2 : _HEAD]):
        raise ArtefactError("a name index artefact that does not match its checksum")


def loads(data: bytes | memoryview, *, verified: bool = False) -> NameIndex:
    """The index an artefact holds; its symbol table goes to the name dictionary's cache. The index reads its
    bulk from `data` in place (a mapped file stays mapped while the index lives). `verified`: the caller has
    checked a MAC over exactly these bytes, so the checksum is not computed again."""
    view = memoryview(data)
    _checked(view, verified)
    size = int.from_bytes(view[_HEAD : _HEAD + 8], "little")
    try:
        with paused_gc():  # tens of thousands of objects: collections meanwhile would only walk them again
            head = pickle.loads(view[_HEAD + 8 : _HEAD + 8 + size])  # noqa: S301 - checked above; callers verify
        index, parts, scripts, tables, byteorder, layout = head
    except Exception as error:  # noqa: BLE001 - any unreadable payload is one kind of error
        raise ArtefactError(f"an unreadable name index artefact: {type(error).__name__}") from None
    if not isinstance(index, NameIndex) or not isinstance(tables, dict):
        raise ArtefactError("a name index artefact without an index")
    if byteorder != sys.byteorder:
        raise ArtefactError("a name index artefact written on a machine of another byte order")
    base = _aligned(_HEAD + 8 + size)

    def section(name: str, item: Literal["B", "I", "Q"] = "B") -> memoryview:
        start, length = layout[name]
        if base + start + length > len(view):
            raise ArtefactError("a truncated name index artefact")
        return view[base + start : base + start + length].cast(item)

    try:
        index.names = Records(section("names"), section("names.offsets", "Q"), _names_decoder(parts, scripts))
        index._name_entry = section("name_entry", "I")
        index.entries = _entries(
            section("entries"), section("entries.offsets", "Q"), section("entries.pickled", "I")
        )
        index._postings = Postings(section("postings", "I"), section("postings.offsets", "Q"))
        index._party = section("party", "I")
        index._party_keys = Frozen(section("party_keys"))
        index._deletes = NumbersTable(_table_sections(section, "deletes"))
        index._phonetic = NumbersTable(_table_sections(section, "phonetic"))
        index._skeleton = NumbersTable(_table_sections(section, "skeleton"))
        symbols = TextsTable(_table_sections(section, "symbols"))
    except (KeyError, TypeError, ValueError, IndexError, EOFError, pickle.UnpicklingError) as error:
        raise ArtefactError(f"an unreadable name index artefact: {type(error).__name__}") from None
    index._keep = (symbols,)  # seeded weakly: the table goes with the index (and with it the mapping)
    _symbols.seed(symbols, key=bytes(view[len(MAGIC) + 2 : _HEAD]), weak=True)
    _tables.use(tables)
    return index


def _entries(
    blob: memoryview, offsets: memoryview, pickled: memoryview
) -> Records[tuple[str, str, ListEntry]]:
    """The entries, read in place as marshal data; the few that marshal could not write (pickled) decoded
    now, while the bytes are as their MAC or checksum says: a file changed in place later is never
    unpickled."""
    fixed: dict[int, tuple[str, str, ListEntry]] = {}
    for position in pickled:
        data = blob[offsets[position] : offsets[position + 1]]
        if not len(data) or data[0] != ord("P"):
            raise ValueError("a pickled entry that is not")
        fixed[position] = pickle.loads(data[1:])  # noqa: S301 - verified bytes (module docstring)
    return Records(blob, offsets, _entry_decoded, fixed)


def _table_sections(section: Callable[..., memoryview], name: str) -> dict[str, memoryview]:
    return {
        "keys": section(f"{name}.keys"),
        "keys.offsets": section(f"{name}.keys.offsets", "Q"),
        "values": section(f"{name}.values"),
        "values.offsets": section(f"{name}.values.offsets", "Q"),
        "slots": section(f"{name}.slots", "I"),
    }
