"""The parts of a loaded name index that stay in its artefact's bytes and are decoded when read.

An artefact file is mapped read-only (apps/screening/indexes.py), so the bulk of an index - its listed
entries, their normalised names, the postings of each vocabulary part, each entry's party - is one copy in
the operating system's page cache that every process mapping the file shares, and a fresh process starts
screening without decoding it: a record is decoded when a screening reads it (a few thousand are kept).
The vocabulary and its lookup tables, small and read by every query, are unpickled as before.

Records are `marshal` data (plain tuples of strings and numbers: fast to decode); `Records` turns them
into the index's values with a decoder the artefact module gives it.
"""

from __future__ import annotations

import marshal
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
KEPT = 4096  # decoded records a sequence keeps (dropped all at once when full: bounded, no bookkeeping)


def _check_spans(data: memoryview, offsets: memoryview) -> None:
    """Offsets that start at 0 and end at the data's end (the cheap part of a structure check: the bytes
    are covered by a checksum or a MAC already)."""
    if not len(offsets) or offsets[0] != 0 or offsets[-1] != len(data):
        raise ValueError("offsets that do not span their data")


class Records(Sequence[T], Generic[T]):
    """A sequence of records stored one after another in `blob`; record i is blob[offsets[i]:offsets[i+1]]."""

    __slots__ = ("_blob", "_offsets", "_decode", "_kept", "_fixed")

    def __init__(
        self,
        blob: memoryview,
        offsets: memoryview,
        decode: Callable[[memoryview], T],
        fixed: dict[int, T] | None = None,
    ) -> None:
        _check_spans(blob, offsets)
        self._blob = blob
        self._offsets = offsets
        self._decode = decode
        self._kept: dict[int, T] = {}
        self._fixed = fixed or {}  # records decoded when loaded (not read from the bytes later)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, position: int) -> T: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[T]: ...
    def __getitem__(self, position: int | slice) -> T | Sequence[T]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        found = self._fixed.get(position)
        if found is None:
            found = self._kept.get(position)
        if found is None:
            if not 0 <= position < len(self):
                raise IndexError("record out of range")
            found = self._decode(self._blob[self._offsets[position] : self._offsets[position + 1]])
            if len(self._kept) >= KEPT:
                self._kept.clear()
            self._kept[position] = found
        return found

    def __iter__(self) -> Iterator[T]:
        blob, offsets, decode, fixed = self._blob, self._offsets, self._decode, self._fixed
        for position in range(len(self)):
            found = fixed.get(position)
            yield found if found is not None else decode(blob[offsets[position] : offsets[position + 1]])


class Postings(Sequence[memoryview]):
    """Lists of unsigned 32-bit numbers stored one after another: list i is values[offsets[i]:offsets[i+1]]
    (a memoryview of the mapped bytes: it iterates as ints, as the array('I') of a built index does)."""

    __slots__ = ("_values", "_offsets")

    def __init__(self, values: memoryview, offsets: memoryview) -> None:
        _check_spans(values, offsets)
        self._values = values
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, position: int) -> memoryview: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[memoryview]: ...
    def __getitem__(self, position: int | slice) -> memoryview | Sequence[memoryview]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("postings out of range")
        return self._values[self._offsets[position] : self._offsets[position + 1]]


class Frozen(Generic[T]):
    """One marshalled value, decoded only when asked for (what only an index taking more entries reads)."""

    __slots__ = ("_data",)

    def __init__(self, data: memoryview) -> None:
        self._data = data

    def value(self) -> T:
        decoded: T = marshal.loads(self._data)  # noqa: S302 - a verified artefact's bytes (see _artefact)
        return decoded


class Table:
    """A read-only map from strings to byte strings, in place: an open-addressing hash table (linear probing,
    crc32 of the key's UTF-8) over the keys and values stored one after another."""

    __slots__ = ("_keys", "_key_offsets", "_values", "_value_offsets", "_slots", "_mask", "__weakref__")

    def __init__(self, sections: dict[str, memoryview]) -> None:
        self._keys, self._key_offsets = sections["keys"], sections["keys.offsets"]
        self._values, self._value_offsets = sections["values"], sections["values.offsets"]
        self._slots = sections["slots"]
        self._mask = len(self._slots) - 1
        if len(self._slots) & self._mask or not len(self._slots):
            raise ValueError("a table's slots are not a power of two")
        _check_spans(self._keys, self._key_offsets)
        _check_spans(self._values, self._value_offsets)
        if len(self._value_offsets) != len(self._key_offsets):
            raise ValueError("a table's keys and values do not pair up")

    def __len__(self) -> int:
        return len(self._key_offsets) - 1

    def raw(self, key: str) -> memoryview | None:
        """The value stored for `key`, or None."""
        data = key.encode("utf-8", "surrogatepass")
        keys, offsets, slots, mask = self._keys, self._key_offsets, self._slots, self._mask
        slot = zlib.crc32(data) & mask
        for _ in range(len(slots)):  # (a table is at most half full: an empty slot comes long before)
            found = slots[slot]
            if not found:
                return None
            found -= 1
            if keys[offsets[found] : offsets[found + 1]] == data:
                return self._values[self._value_offsets[found] : self._value_offsets[found + 1]]
            slot = (slot + 1) & mask
        return None

    def raw_items(self) -> Iterator[tuple[str, memoryview]]:
        keys, offsets = self._keys, self._key_offsets
        values, value_offsets = self._values, self._value_offsets
        for position in range(len(self)):
            key = bytes(keys[offsets[position] : offsets[position + 1]]).decode("utf-8", "surrogatepass")
            yield key, values[value_offsets[position] : value_offsets[position + 1]]


class NumbersTable(Table):
    """A Table whose values are lists of unsigned 32-bit numbers (as memoryviews: they iterate as ints)."""

    __slots__ = ()

    def get(self, key: str, default: Any = None) -> Any:
        found = self.raw(key)
        return default if found is None else found.cast("I")

    def items(self) -> Iterator[tuple[str, memoryview]]:
        for key, value in self.raw_items():
            yield key, value.cast("I")


class TextsTable(Table):
    """A Table whose values are tuples of strings."""

    __slots__ = ()

    def get(self, key: str, default: Any = None) -> Any:
        found = self.raw(key)
        if found is None:
            return default
        return tuple(bytes(found).decode("utf-8", "surrogatepass").split(_SEPARATOR)) if found else ()


_SEPARATOR = "\x1f"


class Writer:
    """Builds the byte sections of an artefact: records, postings, arrays."""

    def __init__(self) -> None:
        self.sections: dict[str, bytes | bytearray | array[int]] = {}

    def records(self, name: str, encoded: Iterator[bytes]) -> None:
        blob = bytearray()
        offsets = array("Q", [0])
        for data in encoded:
            blob += data
            offsets.append(len(blob))
        self.sections[name] = blob
        self.sections[name + ".offsets"] = offsets

    def postings(self, name: str, lists: Sequence[Sequence[int]]) -> None:
        values = array("I")
        offsets = array("Q", [0])
        for numbers in lists:
            values.extend(numbers)
            offsets.append(len(values))
        self.sections[name] = values
        self.sections[name + ".offsets"] = offsets

    def numbers(self, name: str, numbers: Sequence[int]) -> None:
        self.sections[name] = array("I", numbers)

    def table(self, name: str, items: dict[str, bytes]) -> None:
        """A Table of these items (see Table): sections name.keys, .values, their offsets and name.slots."""
        size = 1
        while size < 2 * len(items):
            size *= 2
        slots = array("I", bytes(ITEM_SIZES["I"] * size))
        mask = size - 1
        for position, key in enumerate(items):
            slot = zlib.crc32(key.encode("utf-8", "surrogatepass")) & mask
            while slots[slot]:
                slot = (slot + 1) & mask
            slots[slot] = position + 1
        self.records(name + ".keys", (key.encode("utf-8", "surrogatepass") for key in items))
        self.records(name + ".values", iter(items.values()))
        self.sections[name + ".slots"] = slots

    def numbers_table(self, name: str, items: dict[str, Sequence[int]]) -> None:
        self.table(name, {key: array("I", numbers).tobytes() for key, numbers in items.items()})

    def texts_table(self, name: str, items: dict[str, tuple[str, ...]]) -> None:
        self.table(
            name,
            {key: _SEPARATOR.join(texts).encode("utf-8", "surrogatepass") for key, texts in items.items()},
        )

    def value(self, name: str, value: Any) -> None:
        self.sections[name] = marshal.dumps(value)

    def layout(self, start: int) -> tuple[dict[str, tuple[int, int]], list[bytes | bytearray | array[int]]]:
        """Where each section goes when written from `start` on (each at a multiple of 8), and the parts to
        write there in order (padding included)."""
        layout: dict[str, tuple[int, int]] = {}
        parts: list[bytes | bytearray | array[int]] = []
        position = start
        for name, data in self.sections.items():
            pad = -position % 8
            if pad:
                parts.append(bytes(pad))
                position += pad
            size = len(data) * (data.itemsize if isinstance(data, array) else 1)
            layout[name] = (position, size)
            parts.append(data)
            position += size
        return layout, parts


ITEM_SIZES = {"I": array("I").itemsize, "Q": array("Q").itemsize}
