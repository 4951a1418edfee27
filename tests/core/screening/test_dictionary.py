"""The name-dictionary file: read from the installed rigour, answering what rigour answers, refused when it
is another rigour's or not a dictionary at all, and used by the engine instead of loading rigour."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conduct.core.screening import _dictionary, _symbols
from conduct.core.screening._dictionary import Dictionary, DictionaryError

# Raw texts as the engine asks about them (cases, hyphens, scripts), some of them no name at all.
TEXTS = [
    "vladimir", "VLADIMIR", "владимир", "putin", "Путин", "jong un", "Jong-Un", "jongun", "kim", "محمد",
    "mohammed", "muhammad", "usama", "osama", "bin laden", "山田", "yamada", "正恩", "gaddafi", "qadhafi",
    "secure", "integration", "harbour", "logistics", "xqzv", "",
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dictionary") / "names.sqlite3"
    normalize = _dictionary._normalize()
    _dictionary.build(path, only=[normalize(text) for text in TEXTS])
    return path


def _rigour(texts: list[str]) -> dict[str, set[str]]:
    """What rigour's own dictionary says of each text, through the engine's path without a file (one at a
    time: in one batch rigour keeps one of 'vladimir' and 'VLADIMIR', the same name to it)."""
    for text in texts:
        _symbols._analyse_rigour([text])
    return {text: {_symbols._NAMES[n] for n in _symbols._CACHE[text]} for text in texts}


@pytest.fixture
def no_file() -> Iterator[None]:
    """The engine without a dictionary file, its caches emptied; put back as it was afterwards."""
    saved = (_symbols._OPENER, dict(_symbols._CACHE), _symbols._SEEDED.copy())
    _symbols.use_file(None)
    _symbols._CACHE.clear()
    _symbols._SEEDED.clear()  # artefacts' tables that earlier tests loaded
    yield
    _symbols._CACHE.clear()
    _symbols._CACHE.update(saved[1])
    _symbols._SEEDED.update(saved[2])
    _symbols.use_file(saved[0])


def test_the_corpus_comes_out_of_the_installed_rigour() -> None:
    names, aliases = _dictionary.corpus()
    assert names.count("\n") > 100_000 and " => Q" in names.splitlines()[0]
    assert "putin" in aliases["KHUYLO"]
    assert _dictionary.source_id().startswith("rigour-")


def test_the_file_answers_what_rigour_answers(built: Path, no_file: None) -> None:
    dictionary = Dictionary.open(built)
    looked_up = dictionary.lookup(TEXTS)
    expected = _rigour([text for text in TEXTS if text])
    assert {text: set(looked_up.get(text, ())) for text in expected} == expected
    assert expected["Путин"] and expected["Jong-Un"] and expected["محمد"]  # the texts do have symbols
    assert not expected["secure"] and not expected["xqzv"]  # and words that are no name have none


def test_the_engine_looks_up_in_the_file_and_never_loads_rigour(built: Path, no_file: None) -> None:
    _symbols.use_file(lambda: Dictionary.open(built))
    before = dict(_symbols.STATS)
    assert _symbols.shares("Путин", "putin")
    assert _symbols.shares("Jong-Un", "jong un")
    assert not _symbols.shares("secure", "putin")
    assert _symbols.STATS["rigour"] == before["rigour"]
    assert _symbols.STATS["file"] > before["file"]


def test_without_a_file_yet_the_engine_asks_again_until_rigour_is_loaded(built: Path, no_file: None) -> None:
    offered: list[Dictionary | None] = [None]
    asked: list[int] = []

    def opener() -> Dictionary | None:
        asked.append(1)
        return offered[0]

    _symbols.use_file(opener)
    rigour_before = _symbols.STATS["rigour"]
    _symbols.STATS["rigour"] = 0  # as in a process that has not loaded rigour
    try:
        offered[0] = Dictionary.open(built)
        assert _symbols.symbols("putin")
        assert asked == [1] and _symbols.STATS["rigour"] == 0
    finally:
        _symbols.STATS["rigour"] += rigour_before


def test_a_file_of_another_rigour_or_no_dictionary_is_refused(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    other.write_bytes(built.read_bytes())
    with sqlite3.connect(other) as db:
        db.execute("UPDATE meta SET value = 'rigour-0.0.0-0' WHERE key = 'source'")
    db.close()
    for bad in (other, tmp_path / "missing.sqlite3"):
        with pytest.raises(DictionaryError):
            Dictionary.open(bad)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DictionaryError, match="not a readable dictionary file"):
        Dictionary.open(junk)


def test_many_texts_at_once_and_spellings_of_one_form_each_get_their_symbols(built: Path) -> None:
    dictionary = Dictionary.open(built)
    one = dictionary.lookup(["putin"])["putin"]
    # more texts than one query takes (500), several of them spelling one form
    texts = [f"x{n}" for n in range(1200)] + ["putin", "PUTIN", "Putin", " putin "]
    found = dictionary.lookup(texts)
    assert set(found) == {"putin", "PUTIN", "Putin", " putin "}
    assert all(symbols == one for symbols in found.values())
