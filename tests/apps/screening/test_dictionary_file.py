"""The installation's name-dictionary file: built in a child process when missing, signed, refused when it
does not verify (and rebuilt), and the file every later lookup of the engine goes to."""

from __future__ import annotations

import logging

import pytest

from conduct.apps.screening import dictionary, selectors, tasks
from conduct.apps.web.management.commands.worker import DAILY_JOBS
from conduct.core.screening import _dictionary, _symbols

pytestmark = pytest.mark.django_db

FORMS = ["putin", "vladimir", "jong un", "kim"]


@pytest.fixture
def cache(settings, tmp_path, monkeypatch):
    """A cache directory of its own, and a build of a few forms (the whole corpus takes seconds)."""
    settings.CONDUCT = {**settings.CONDUCT, "SCREENING_CACHE_DIR": str(tmp_path)}
    real_build = _dictionary.build
    monkeypatch.setattr(dictionary, "build", lambda path: real_build(path, only=FORMS))
    return tmp_path


def test_ensure_builds_a_signed_file_once_and_the_engine_reads_it(cache, monkeypatch):
    assert dictionary.open_file() is None
    assert dictionary.ensure() is True
    path = dictionary.path()
    assert path.parent == cache and path.is_file() and path.with_name(path.name + ".mac").is_file()
    built = path.stat().st_mtime_ns
    assert dictionary.ensure() is True and path.stat().st_mtime_ns == built  # a good file is kept

    opened = dictionary.open_file()
    assert opened is not None and set(opened.lookup(["Putin", "secure"])) == {"Putin"}

    saved = (_symbols._OPENER, dict(_symbols._CACHE), _symbols._SEEDED.copy())
    _symbols.use_file(dictionary.open_file)
    _symbols._CACHE.clear()
    _symbols._SEEDED.clear()
    try:
        before = dict(_symbols.STATS)
        assert _symbols.shares("vladimir", "vladimir") and not _symbols.shares("secure", "vladimir")
        assert _symbols.STATS["rigour"] == before["rigour"] and _symbols.STATS["file"] > before["file"]
    finally:
        _symbols._CACHE.clear()
        _symbols._CACHE.update(saved[1])
        _symbols._SEEDED.update(saved[2])
        _symbols.use_file(saved[0])


def test_a_file_that_does_not_verify_is_not_used_and_the_next_ensure_replaces_it(cache, caplog):
    assert dictionary.ensure()
    path = dictionary.path()
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="conduct.screening"):
        assert dictionary.open_file() is None
    assert "does not verify" in caplog.text
    assert dictionary.ensure() is True and dictionary.open_file() is not None


def test_a_build_that_fails_leaves_no_file_and_the_caller_carries_on(cache, monkeypatch):
    def broken(path):
        raise RuntimeError("rigour changed its layout")

    monkeypatch.setattr(dictionary, "build", broken)
    assert dictionary.ensure() is False
    assert not list(cache.glob("names-*"))


def test_the_worker_ensures_the_file_daily_and_serve_before_it_preloads(cache, monkeypatch):
    assert "conduct.apps.screening.tasks.ensure_name_dictionary" in DAILY_JOBS
    result = tasks.ensure_name_dictionary.call()
    assert result == {"ready": True, "path": str(dictionary.path())}

    steps: list[str] = []
    monkeypatch.setattr(selectors.dictionary, "ensure", lambda: steps.append("ensure") or True)
    monkeypatch.setattr(selectors, "load_dictionary", lambda: steps.append("dictionary"))
    selectors.preload()
    assert steps == ["ensure", "dictionary"]
