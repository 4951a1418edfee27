"""An index artefact gives a fresh process the same index, and the name-dictionary symbols of every listed
text, so its screenings match the builder's without loading the dictionary for the listed side."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conduct.core.screening import EntryName, ListEntry, NameIndex, Query, Screener
from conduct.core.screening._artefact import FORMAT, MAGIC, ArtefactError, dumps, listed_texts, loads


def _entry(source_id: str, entity_type: str, *names: str, country: str = "") -> ListEntry:
    kinds = ["primary", *["alias_strong"] * (len(names) - 1)]
    return ListEntry(
        source_id=source_id,
        entity_type=entity_type,
        names=tuple(EntryName(name, kind) for name, kind in zip(names, kinds, strict=True)),
        countries=(country,) if country else (),
    )


ENTRIES = [
    _entry("A-1", "person", "Usama bin Laden", "أسامة بن لادن", country="SA"),
    _entry("A-2", "person", "Kim Jong Un", "김정은", country="KP"),
    _entry(
        "A-3",
        "organization",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "杭州海康威视数字技术股份有限公司",
    ),
    _entry("A-4", "person", "Vladimir Vladimirovich Putin", "Владимир Путин", country="RU"),
    _entry("A-5", "organization", "Gulf Secure Trading FZE", country="AE"),
    _entry("A-6", "person", "Mao Zedong", "毛泽东", country="CN"),
]
QUERIES = [
    Query("Osama bin Laden"),
    Query("أسامة بن لادن"),
    Query("Kim Jong-un", entity_type="person"),
    Query("Hikvision", entity_type="organization"),
    Query("Владимир Путин"),
    Query("Vladimir Putin", country="RU"),
    Query("Mao Tse-tung", entity_type="person"),
    Query("Gulf Secure Trading", entity_type="organization"),
]


def _index() -> NameIndex:
    return NameIndex(("t_list", "sanctions", entry) for entry in ENTRIES)


def _found(index: NameIndex) -> list[list[tuple[str, float, str]]]:
    screener = Screener(index, threshold=0.5)
    return [[(m.source_id, round(m.score, 6), m.matched_name) for m in screener.search(q)] for q in QUERIES]


def test_an_artefact_loads_the_same_index_and_finds_the_same_matches() -> None:
    index = _index()
    loaded = loads(dumps(index))
    assert loaded is not index and len(loaded) == len(index)
    assert loaded.vocabulary_size == index.vocabulary_size
    assert _found(loaded) == _found(index)
    assert any(_found(index))  # the queries do find their entries


def test_a_fresh_process_screens_alike_from_the_artefact_without_the_name_tables(tmp_path: Path) -> None:
    index = _index()
    path = tmp_path / "t.nameindex"
    path.write_bytes(dumps(index))
    queries = [q.__dict__ for q in QUERIES]
    script = f"""
import json, sys
from conduct.core.screening import _symbols, Screener, Query
from conduct.core.screening._artefact import loads
asked = []
real = _symbols._analyse
def counting(texts):
    asked.extend(texts)
    real(texts)
_symbols._analyse = counting
index = loads(open({str(path)!r}, "rb").read())
screener = Screener(index, threshold=0.5)
found = [[(m.source_id, round(m.score, 6), m.matched_name) for m in screener.search(Query(**q))]
         for q in json.loads(sys.argv[1])]
print(json.dumps({{"found": found, "asked": asked, "pypinyin": "pypinyin" in sys.modules}}))
"""
    ran = subprocess.run(
        [sys.executable, "-c", script, json.dumps(queries)], capture_output=True, text=True, check=True
    )
    out = json.loads(ran.stdout)
    assert [[tuple(m) for m in row] for row in out["found"]] == _found(index)
    texts = listed_texts(index)
    assert not [text for text in out["asked"] if text in texts]  # the listed side came from the artefact
    assert not out["pypinyin"]  # the name tables came along: no Chinese readings for these queries


def test_the_listed_texts_include_joined_parts_and_their_script() -> None:
    texts = listed_texts(_index())
    assert {"kim", "jong un", "jongun", "usama", "bin laden"} <= texts


def test_a_corrupt_truncated_or_foreign_artefact_is_refused() -> None:
    data = dumps(_index())
    flipped = bytearray(data)
    flipped[-10] ^= 0xFF
    for bad in (bytes(flipped), data[: len(data) // 2], b"not an artefact", b""):
        with pytest.raises(ArtefactError):
            loads(bad)
    other = MAGIC + (FORMAT + 1).to_bytes(2, "big") + data[len(MAGIC) + 2 :]
    with pytest.raises(ArtefactError, match="another format"):
        loads(other)


def test_a_very_large_index_leaves_the_symbol_table_out_and_still_screens_alike(monkeypatch) -> None:
    """Above SYMBOLS_MAX_NAMES the table would outgrow the dictionary (millions of texts at 1,000,000 names):
    the artefact carries the index alone, and the dictionary answers on first need, with the same results."""
    from conduct.core.screening import _artefact

    index = _index()
    monkeypatch.setattr(_artefact, "SYMBOLS_MAX_NAMES", len(index.names) - 1)
    data = dumps(index)
    assert len(loads(data)._keep[0]) == 0  # its symbol table (see test_mapped_tables_...)
    assert _found(loads(data)) == _found(index)


def test_loading_and_building_an_index_pause_the_garbage_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 23: collections during the unpickling of the real lists' artefacts made it 4x slower (0.77 s
    # against 0.19 s), during a build about 1.5x
    import gc

    from conduct.core.screening import _artefact

    seen: list[bool] = []
    data = dumps(_index())
    real_loads = _artefact.pickle.loads
    real_add = NameIndex.add

    def loads_seen(payload: bytes) -> object:
        seen.append(gc.isenabled())
        return real_loads(payload)

    def add_seen(self: NameIndex, *args: object) -> None:
        seen.append(gc.isenabled())
        real_add(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_artefact.pickle, "loads", loads_seen)
    assert len(loads(data)) == len(_index())
    monkeypatch.setattr(NameIndex, "add", add_seen)
    _index()
    assert seen == [False] * (1 + len(ENTRIES))
    assert gc.isenabled()


def test_a_loaded_index_takes_more_entries_as_the_built_one_does() -> None:
    # the artefact leaves out what only the build uses to share equal parts; adding still works alike
    built, loaded = _index(), loads(dumps(_index()))
    extra = _entry("A-7", "person", "Mao Anying", country="CN")
    for index in (built, loaded):
        index.add("t_list", "sanctions", extra)
    assert len(loaded) == len(built) and _found(loaded) == _found(built)
    assert [m.source_id for m in Screener(loaded, threshold=0.5).search(Query("Mao Anying"))][:1] == ["A-7"]


def test_a_loaded_index_reads_its_entries_names_and_postings_in_place() -> None:
    """Issue 23: the bulk of an index stays in the artefact's bytes (a mapped file: one copy for every process
    that maps it); records are decoded when read, and equal what the built index holds."""
    from conduct.core.screening._mapped import Postings, Records

    built = _index()
    data = bytearray(dumps(built))  # a writable buffer: shows that what is read comes from these very bytes
    loaded = loads(data)
    assert isinstance(loaded.entries, Records) and isinstance(loaded.names, Records)
    assert isinstance(loaded._postings, Postings) and isinstance(loaded._party, memoryview)
    assert list(loaded.entries) == list(built.entries) and list(loaded.names) == list(built.names)
    assert loaded.names[-1] == built.names[-1] and loaded.entries[2] == built.entries[2]
    assert [list(p) for p in loaded._postings] == [list(p) for p in built._postings]
    assert [loaded.entry_of(i) for i in range(len(built))] == [n.entry for n in built.names]
    assert [loaded.party_of(e) for e in range(len(ENTRIES))] == [
        built.party_of(e) for e in range(len(ENTRIES))
    ]
    with pytest.raises(IndexError):
        loaded.names[len(built)]
    position = bytes(data).rindex(b"Gulf Secure Trading FZE")  # in its entry's record (the last section)
    data[position : position + 4] = b"Golf"
    assert loaded.entries[4][2].primary_name == "Golf Secure Trading FZE"


def test_an_entry_that_marshal_cannot_write_is_kept_whole() -> None:
    import datetime

    odd = ListEntry("B-1", "person", (EntryName("Ivan Petrov"),), extra={"listed": datetime.date(2025, 1, 2)})
    plain = ListEntry("B-2", "person", (EntryName("Olga Petrova"),))
    data = bytearray(dumps(NameIndex([("t_list", "sanctions", plain), ("t_list", "sanctions", odd)])))
    loaded = loads(data)
    # pickled when written, unpickled when loaded (while the bytes are as checked), never from the bytes later
    data[bytes(data).rindex(b"Ivan Petrov") : bytes(data).rindex(b"Ivan Petrov") + 4] = b"Evil"
    assert loaded.entries[1] == ("t_list", "sanctions", odd) and list(loaded.entries)[1][2] == odd
    assert loaded.entries[1][2].extra == {"listed": datetime.date(2025, 1, 2)}
    assert loaded.entries[0] == ("t_list", "sanctions", plain)


def test_a_truncated_artefact_the_caller_verified_is_refused_not_read_past_its_end() -> None:
    data = dumps(_index())
    for cut in (len(data) - 8, len(data) // 2, len(MAGIC) + 50):
        with pytest.raises(ArtefactError):
            loads(data[:cut], verified=True)


def test_decoded_records_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from conduct.core.screening import _mapped

    monkeypatch.setattr(_mapped, "KEPT", 3)
    loaded = loads(dumps(_index()))
    for position in range(len(loaded)):
        assert loaded.names[position] is loaded.names[position]  # kept between two reads
        assert len(loaded.names._kept) <= 3  # type: ignore[attr-defined]


def test_mapped_tables_answer_as_the_dicts_they_were_made_from() -> None:
    from conduct.core.screening._mapped import NumbersTable, TextsTable, Writer

    numbers = {f"key{n}": list(range(n % 5)) for n in range(3000)} | {"": [7], "ключ": [1, 2]}
    texts = {"jong un": ("Q1", "Q2"), "kim": (), "毛泽东": ("Q3",)}
    for items in (numbers, texts, {}):
        writer = Writer()
        if items is texts:
            writer.texts_table("t", items)
        else:
            writer.numbers_table("t", items)
        layout, parts = writer.layout(0)
        data = memoryview(b"".join(bytes(part) for part in parts))

        def part(name: str, item: str = "B", data: memoryview = data, layout: dict = layout) -> memoryview:
            start, size = layout[f"t.{name}"]
            return data[start : start + size].cast(item)

        sections = {
            "keys": part("keys"),
            "keys.offsets": part("keys.offsets", "Q"),
            "values": part("values"),
            "values.offsets": part("values.offsets", "Q"),
            "slots": part("slots", "I"),
        }
        table = TextsTable(sections) if items is texts else NumbersTable(sections)
        assert len(table) == len(items)
        for key, value in items.items():
            found = table.get(key)
            assert (tuple(found) if items is texts else list(found)) == list(value) or found == value
        for absent in ("key3000", "kim jong", "x" * 40, "ключи"):
            assert table.get(absent) is None and table.get(absent, ()) == ()
        if items is numbers:
            assert {key: list(value) for key, value in table.items()} == numbers


def test_an_artefact_s_symbol_table_goes_with_its_index() -> None:
    import gc
    import weakref

    from conduct.core.screening import _symbols

    loaded = loads(dumps(_index()))
    table = weakref.ref(loaded._keep[0])
    assert any(
        held is table() or (isinstance(held, weakref.ref) and held() is table())
        for held in _symbols._SEEDED.values()
    )
    assert _symbols._seeded("kim")  # the listed texts' symbols come from it
    del loaded
    gc.collect()
    assert table() is None  # held weakly by the name-dictionary cache: not kept alive by it


def test_a_record_read_by_a_negative_position_is_the_same_object() -> None:
    loaded = loads(dumps(_index()))
    assert loaded.names[-1] is loaded.names[len(loaded) - 1]


def test_a_table_takes_keys_that_utf_8_cannot_encode_plainly() -> None:
    from conduct.core.screening._mapped import NumbersTable, Writer

    writer = Writer()
    writer.numbers_table("t", {"a\ud800b": [1], "plain": [2]})
    layout, parts = writer.layout(0)
    data = memoryview(b"".join(bytes(part) for part in parts))

    def part(name: str, item: str = "B") -> memoryview:
        start, size = layout[f"t.{name}"]
        return data[start : start + size].cast(item)

    table = NumbersTable(
        {
            "keys": part("keys"),
            "keys.offsets": part("keys.offsets", "Q"),
            "values": part("values"),
            "values.offsets": part("values.offsets", "Q"),
            "slots": part("slots", "I"),
        }
    )
    assert (
        list(table.get("a\ud800b")) == [1] and list(table.get("plain")) == [2] and table.get("\udc00") is None
    )


def test_live_symbol_tables_outlast_many_loads_of_other_artefacts() -> None:
    # a list never reloaded keeps its listed texts' symbols however many other artefacts come and go
    import gc

    from conduct.core.screening import _symbols

    kept = loads(dumps(_index()))
    for n in range(_symbols.SEEDS_KEPT + 5):
        other = _entry(f"C-{n}", "person", f"Person Number{n} Other")
        loads(dumps(NameIndex([("t_other", "sanctions", other)])))
        gc.collect()
    import weakref

    table = kept._keep[0]
    held = [h() if isinstance(h, weakref.ref) else h for h in _symbols._SEEDED.values()]
    assert any(h is table for h in held)
    assert sum(h is None for h in held) <= 1  # dropped indexes' tables are let go (at the next seed)
