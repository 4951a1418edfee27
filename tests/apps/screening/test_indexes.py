"""The name indexes of the current list versions are cached in memory and in signed artefact files, keyed by
content; the worker writes a new version's artefact right after the load."""

from __future__ import annotations

import pytest

from conduct.apps.screening import indexes
from conduct.apps.screening.models import WatchListVersion
from conduct.core.screening import Screener

pytestmark = pytest.mark.django_db


def _loaded(cli, flow_csv, settings, tmp_path, name: str) -> WatchListVersion:
    """A list loaded through the CLI with artefacts under tmp_path/cache: its current version."""
    settings.CONDUCT = {**settings.CONDUCT, "SCREENING_CACHE_DIR": str(tmp_path / "cache")}
    cli("lists_load", str(flow_csv()), "--name", name)
    return WatchListVersion.objects.get(watch_list__name=name, is_current=True)


def _without_artefacts(tmp_path) -> None:
    """Every artefact file under tmp_path/cache removed, and the indexes in memory forgotten."""
    for path in (tmp_path / "cache").glob(f"*{indexes.SUFFIX}"):
        path.unlink()
    indexes.forget()


def test_an_index_is_built_once_then_read_from_memory_or_its_signed_file(cli, flow_csv, settings, tmp_path):
    version = _loaded(cli, flow_csv, settings, tmp_path, "t_cache")
    files = list((tmp_path / "cache").glob(f"t_cache-*{indexes.SUFFIX}"))
    assert len(files) == 1  # written by the delta-screening task, right after the load

    indexes.forget()
    before = dict(indexes.STATS)
    first = indexes.version_index(version)
    assert indexes.STATS["loaded"] == before["loaded"] + 1 and indexes.STATS["built"] == before["built"]
    assert indexes.version_index(version) is first and indexes.STATS["memory"] == before["memory"] + 1

    # a file that does not verify is never unpickled: the index is rebuilt (and the file rewritten)
    indexes.forget()
    files[0].write_bytes(b"\x00" * 32 + files[0].read_bytes()[32:])
    indexes.version_index(version)
    assert indexes.STATS["built"] == before["built"] + 1
    indexes.forget()
    indexes.version_index(version)
    assert indexes.STATS["loaded"] == before["loaded"] + 2


def test_a_signed_file_that_is_not_a_whole_current_artefact_is_rebuilt(cli, flow_csv, settings, tmp_path):
    import hashlib
    import hmac

    version = _loaded(cli, flow_csv, settings, tmp_path, "t_stale")
    (path,) = (tmp_path / "cache").glob(f"t_stale-*{indexes.SUFFIX}")
    good = path.read_bytes()[32:]
    for payload in (good[: len(good) // 2], b"CONDUCT-NAMEINDEX\n\x00\x00" + good[20:], b""):
        # signed with this installation's key, so only the artefact's own checks can refuse it
        mac = hmac.new(indexes._signing_key(), payload, hashlib.sha256).digest()
        path.write_bytes(mac + payload)
        indexes.forget()
        before = dict(indexes.STATS)
        index = indexes.version_index(version)
        assert indexes.STATS["built"] == before["built"] + 1 and len(index) > 0
        assert path.read_bytes()[32:] == good  # rewritten whole


def test_screening_after_a_load_finds_the_same_from_the_artefact_as_from_a_fresh_build(
    cli, flow_csv, settings, tmp_path
):
    from conduct.core.screening import Query

    version = _loaded(cli, flow_csv, settings, tmp_path, "t_same")
    indexes.forget()
    loaded = indexes.version_index(version)
    built = indexes.build_index("t_same", version.entries.order_by("id"))
    for name in ("Borealis Lens Works", "Borealis Lens", "Polar Glassworks"):
        query = Query(name, entity_type="organization", country="RU")

        def found(index, query=query):
            return [(m.source_id, m.score) for m in Screener(index).search(query)]

        assert found(loaded) == found(built)


def test_the_key_follows_the_content_not_the_row(cli, flow_csv):
    cli("lists_load", str(flow_csv()), "--name", "t_key_a")
    cli("lists_load", str(flow_csv()), "--name", "t_key_b")
    a = WatchListVersion.objects.get(watch_list__name="t_key_a")
    b = WatchListVersion.objects.get(watch_list__name="t_key_b")
    assert a.file_sha256 == b.file_sha256 and indexes.index_key(a) != indexes.index_key(b)  # names differ
    assert len(indexes.engine_fingerprint()) == 64


def test_gates_reuse_a_name_s_matches_until_a_list_changes(cli, flow_csv, monkeypatch):
    from conduct.apps.screening.services import gates as gate_port

    calls: list[str] = []
    real_search = indexes.search

    def counting(lists, query, **kwargs):
        calls.append(query.name)
        return real_search(lists, query, **kwargs)

    monkeypatch.setattr(indexes, "search", counting)
    cli("lists_load", str(flow_csv()), "--name", "t_gatecache")

    def best(name):
        hits = gate_port.policy_screener().screen(name, entity_type="organization", country="RU")
        return [(h.entry_id, round(h.score, 3)) for h in hits if h.entry_id.startswith("T-")][:1]

    first = best("Borealis Lens Works")
    assert first and first[0][0] == "T-2"
    assert (
        best("Borealis Lens Works") == first and calls.count("Borealis Lens Works") == 1
    )  # the second screen is answered from memory
    # a new version of the list (T-2 renamed) is new content: the name is screened again and the answer
    # follows
    cli(
        "lists_load",
        str(flow_csv(**{"T-2": "T-2,Polar Glassworks,,organization,RU,TEST-PROG,\n"})),
        "--name",
        "t_gatecache",
    )
    assert best("Borealis Lens Works") != first and calls.count("Borealis Lens Works") == 2


def test_gates_see_a_renamed_list_and_a_new_version_at_once(cli, flow_csv):
    from conduct.apps.screening.models import WatchList
    from conduct.apps.screening.services import gates as gate_port

    cli("lists_load", str(flow_csv()), "--name", "t_gatetitle")

    def seen():
        hits = gate_port.policy_screener().screen(
            "Borealis Lens Works", entity_type="organization", country="RU"
        )
        return {(h.list_name, h.entry_id) for h in hits if h.entry_id.startswith("T-")}

    assert seen()  # the lists as read are reused from here on while nothing changes
    WatchList.objects.filter(name="t_gatetitle").update(title="Renamed list")
    assert {name for name, _ in seen()} == {"Renamed list"}
    cli(
        "lists_load",
        str(flow_csv(**{"T-2": "T-2,Polar Glassworks,,organization,RU,TEST-PROG,\n"})),
        "--name",
        "t_gatetitle",
    )
    assert ("Renamed list", "T-2") not in seen()


def test_a_loaded_index_is_out_of_the_collectors_reach_and_freed_when_dropped(
    cli, flow_csv, settings, tmp_path
):
    # issue 23: loaded with the collector paused, an index's objects were walked by the next collections
    # (0.1-0.2 s of a CLI call's first search with the real lists); frozen, they are not, and an index the
    # cache drops is still freed, by reference counting (it holds no cycles)
    import gc
    import weakref

    version = _loaded(cli, flow_csv, settings, tmp_path, "t_frozen")
    indexes.forget()
    frozen = gc.get_freeze_count()
    index = indexes.version_index(version)
    assert gc.get_freeze_count() > frozen
    assert all(tracked is not index.names for tracked in gc.get_objects())  # the collector's lists skip it
    gone = weakref.ref(index)
    del index
    indexes.forget()
    assert gone() is None


def test_an_index_reads_its_bulk_from_its_mapped_file_until_it_is_dropped(cli, flow_csv, settings, tmp_path):
    # issue 23: every process maps the one artefact file (shared in the page cache) instead of unpickling its
    # own copy; the mapping outlives the file's removal (a prune, a rewrite) and goes with the index
    import gc
    import weakref
    from pathlib import Path

    from conduct.core.screening import Query
    from conduct.core.screening._mapped import Records

    version = _loaded(cli, flow_csv, settings, tmp_path, "t_mapped")
    (path,) = (tmp_path / "cache").glob(f"t_mapped-*{indexes.SUFFIX}")
    maps = Path("/proc/self/maps")

    def mappings() -> int:  # of the file, in this process (other caches may hold indexes of it too)
        return maps.read_text().count(str(path)) if maps.exists() else 0

    indexes.forget()
    held = mappings()
    index = indexes.version_index(version)
    assert isinstance(index.names, Records) and isinstance(index.entries, Records)
    assert mappings() == held + 1 or not maps.exists()
    query = Query("Borealis Lens Works", entity_type="organization", country="RU")
    before = [(m.source_id, m.score) for m in Screener(index).search(query)]
    path.unlink()
    assert before and [(m.source_id, m.score) for m in Screener(index).search(query)] == before
    gone = weakref.ref(index)
    del index
    indexes.forget()
    gc.collect()
    assert gone() is None and mappings() == held


@pytest.mark.django_db(transaction=True)
def test_missing_artefacts_are_built_in_a_child_and_mapped_here(
    cli, flow_csv, settings, tmp_path, monkeypatch
):
    # issue 23: `conduct serve` preloads the indexes its workers share; built in the server process itself,
    # a list without an artefact left the build's objects (and its garbage) in every worker's inherited pages
    import os

    from conduct.core.screening._mapped import Records

    version = _loaded(cli, flow_csv, settings, tmp_path, "t_child")
    _without_artefacts(tmp_path)
    builders = tmp_path / "builders"
    real_build = indexes.build_index

    def recording(*args, **kwargs):
        with builders.open("a") as out:  # a file: the child's memory is its own
            out.write(f"{os.getpid()}\n")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(indexes, "build_index", recording)
    assert indexes.build_missing() >= 1
    pids = set(builders.read_text().split())
    assert pids and str(os.getpid()) not in pids  # built in a child, not here
    assert list((tmp_path / "cache").glob(f"t_child-*{indexes.SUFFIX}"))
    index = indexes.version_index(version)
    assert isinstance(index.names, Records) and len(index) > 0
    assert indexes.build_missing() == 0  # nothing left to build


def test_no_child_builds_inside_a_transaction(cli, flow_csv, settings, tmp_path):
    # a child process would not see the transaction's rows (it would write an empty index under the key)
    version = _loaded(cli, flow_csv, settings, tmp_path, "t_atomic")
    _without_artefacts(tmp_path)
    assert indexes.build_missing() == 0
    indexes.forget()
    assert len(indexes.version_index(version)) > 0  # built here instead, and its artefact written
    assert list((tmp_path / "cache").glob(f"t_atomic-*{indexes.SUFFIX}"))


def test_a_built_index_is_read_back_from_its_artefact(cli, flow_csv, settings, tmp_path):
    from conduct.core.screening._mapped import Records

    version = _loaded(cli, flow_csv, settings, tmp_path, "t_back")
    _without_artefacts(tmp_path)
    built = indexes.STATS["built"]
    index = indexes.version_index(version)
    assert indexes.STATS["built"] == built + 1 and isinstance(index.names, Records)


def test_a_list_s_older_artefacts_are_pruned_but_the_two_just_replaced_stay(tmp_path):
    # issue 23: processes map artefact files; on shared storage another node may still read the versions a
    # reload just replaced, so those stay until later reloads, however old
    import os
    import time

    old = time.time() - 3 * 86_400
    files = [tmp_path / f"t_prune-{n:040d}{indexes.SUFFIX}" for n in range(4)]
    for age, path in enumerate(files):
        path.write_bytes(b"x")
        os.utime(path, (old + age, old + age))
    other_list = tmp_path / f"t_prune_other-{0:040d}{indexes.SUFFIX}"
    other_list.write_bytes(b"x")
    os.utime(other_list, (old, old))
    newest = tmp_path / f"t_prune-{'f' * 40}{indexes.SUFFIX}"
    newest.write_bytes(b"x")
    indexes._prune(newest)
    kept = [files[2].name, files[3].name, newest.name, other_list.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


@pytest.mark.django_db(transaction=True)
def test_a_failed_child_build_is_said_and_the_index_built_where_needed(
    cli, flow_csv, settings, tmp_path, monkeypatch
):
    version = _loaded(cli, flow_csv, settings, tmp_path, "t_child_fails")
    _without_artefacts(tmp_path)

    def failing(*args, **kwargs):
        raise RuntimeError("no memory")

    monkeypatch.setattr(indexes, "build_index", failing)
    assert indexes.build_missing() == 0
    monkeypatch.undo()
    assert len(indexes.version_index(version)) > 0


def test_loading_a_version_drops_the_list_s_other_versions_from_memory(cli, flow_csv, settings, tmp_path):
    # a replaced version's mapped file (and its seeded symbol table) is not read again once a newer one is in
    import gc
    import weakref

    first = _loaded(cli, flow_csv, settings, tmp_path, "t_replace")
    indexes.forget()
    from conduct.apps.screening.services import delta

    delta._RUN.clear()
    old = weakref.ref(indexes.version_index(first))
    cli(
        "lists_load",
        str(flow_csv(**{"T-4": "T-4,Polar Glassworks,,organization,RU,TEST-PROG,\n"})),
        "--name",
        "t_replace",
    )
    second = WatchListVersion.objects.get(watch_list__name="t_replace", is_current=True)
    assert second.pk != first.pk
    indexes.version_index(second)
    delta._RUN.clear()
    from conduct.apps.screening.services import gates

    gates._LISTS = None  # the gates' cache of the current lists (replaced on their next evaluation)
    gc.collect()
    assert old() is None
