"""Delta screening shared out in chunks (issue 23 §5): a run of many parties is split by party id into chunks
that any worker takes, in any order; the chunk that completes the run finishes it; a chunk run twice counts
once; one run per list at a time, a stale one abandoned; a reload during a run is screened after it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.screening import tasks
from conduct.apps.screening.models import Alert, DeltaRun, ScreenedParty, WatchList
from conduct.apps.screening.services import delta, list_load
from conduct.apps.screening.services.delta import delta_chunk, delta_screen
from tests.apps.screening.conftest import write_list
from tests.factories.screening import OrgUnitFactory, ScreenedPartyFactory

pytestmark = pytest.mark.django_db

LISTED = "Vantablack Harbour Logistics Limited"
ROWS = {
    "E-1": f"E-1,{LISTED},,organization,GB,TEST,\n",
    "E-2": "E-2,Quartz Meridian Trading,,organization,GB,T,\n",
}


@pytest.fixture
def parties(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Seven stored parties in chunks of two (four chunks): the second and the seventh match E-1."""
    monkeypatch.setattr(delta, "DELTA_CHUNK", 2)
    ScreenedParty.objects.all().delete()  # the parties of this test only (the transaction is rolled back)
    unit = OrgUnitFactory()
    names = [
        "Ordinary Parts Co",
        LISTED,
        "Plain Goods Ltd",
        "Other Name Ltd",
        "Fifth Co",
        "Sixth Ltd",
        LISTED,
    ]
    return [ScreenedPartyFactory(name=name, org_unit=unit).pk for name in names]


def _load(tmp_path: Path, rows: dict[str, str], name: str = "chunked") -> WatchList:
    list_load(actor=CLI, path=write_list(tmp_path, rows, f"{name}-{'-'.join(rows)}.csv"), name=name)
    return WatchList.objects.get(name=name)


def test_a_run_of_many_parties_is_queued_in_chunks_that_finish_it_in_any_order(tmp_path, parties):
    watch_list = _load(tmp_path, ROWS)
    queued = delta_screen(watch_list_id=watch_list.pk, chunked=True)
    assert [first for first, _ in queued["queue"]] == [parties[0], parties[2], parties[4], parties[6]]
    assert queued["queue"][-1][1] is None  # the last chunk runs to the end: parties added meanwhile
    run = DeltaRun.objects.get(pk=queued["run"])
    assert (run.full, run.chunks, run.finished_at) == (True, 4, None)
    for first, last in reversed(queued["queue"][1:]):
        summary = delta_chunk(run_id=run.pk, first=first, last=last)
        assert "finished" not in summary
        watch_list.refresh_from_db()
        assert watch_list.screened_version_id is None  # not screened until every chunk is
    assert not LedgerEntry.objects.filter(action="screening.delta_screen", summary__run=run.pk).exists()
    first, last = queued["queue"][0]
    summary = delta_chunk(run_id=run.pk, first=first, last=last)
    assert summary["finished"] and summary["parties"] == 7 and summary["opened"] == 2
    assert summary["chunks"] == 4 and not summary["again"]
    assert set(Alert.objects.filter(source_id="E-1").values_list("party_id", flat=True)) == {
        parties[1],
        parties[6],
    }
    watch_list.refresh_from_db()
    assert watch_list.screened_version_id == watch_list.current_version.pk
    entry = LedgerEntry.objects.get(action="screening.delta_screen", summary__run=run.pk)
    assert entry.summary["parties"] == 7 and entry.summary["opened"] == 2 and entry.summary["run"] == run.pk


def test_a_chunk_run_twice_counts_once(tmp_path, parties):
    watch_list = _load(tmp_path, ROWS)
    queued = delta_screen(watch_list_id=watch_list.pk, chunked=True)
    first, last = queued["queue"][0]
    assert delta_chunk(run_id=queued["run"], first=first, last=last)["opened"] == 1
    again = delta_chunk(run_id=queued["run"], first=first, last=last)
    assert "skipped" in again
    run = DeltaRun.objects.get(pk=queued["run"])
    assert (run.done, run.parties, run.counts["opened"]) == ([first], 2, 1)
    assert Alert.objects.filter(party_id=parties[1]).count() == 1


def test_one_run_per_list_at_a_time_and_a_stale_one_is_abandoned(tmp_path, parties):
    watch_list = _load(tmp_path, ROWS)
    queued = delta_screen(watch_list_id=watch_list.pk, chunked=True)
    assert delta_screen(watch_list_id=watch_list.pk, chunked=True)["skipped"].startswith("a delta screening")
    DeltaRun.objects.filter(pk=queued["run"]).update(updated_at=timezone.now() - timedelta(hours=2))
    summary = delta_screen(watch_list_id=watch_list.pk)  # not chunked: every chunk here, now
    assert summary["finished"] and summary["parties"] == 7 and summary["run"] != queued["run"]
    stale = DeltaRun.objects.get(pk=queued["run"])
    assert stale.abandoned and stale.finished_at is not None
    first, last = queued["queue"][0]
    assert "skipped" in delta_chunk(run_id=stale.pk, first=first, last=last)  # its jobs do nothing now


def test_the_worker_s_task_queues_the_chunks_and_a_reload_during_the_run_is_screened_after_it(
    tmp_path, parties, monkeypatch
):
    watch_list = _load(tmp_path, {"E-2": ROWS["E-2"]})
    first = tasks.screen_list_delta.call(watch_list.pk)  # a list's first version: every entry is new
    assert first["queued"] == 4 and DeltaRun.objects.get(pk=first["run"]).finished_at is not None
    queued: list[tuple[int, int, int | None]] = []
    chunk_task, list_task = tasks.screen_delta_chunk, tasks.screen_list_delta
    monkeypatch.setattr(
        tasks, "screen_delta_chunk", SimpleNamespace(enqueue=lambda *args: queued.append(args))
    )
    requeued: list[int] = []
    _load(tmp_path, ROWS)  # E-1 added
    summary = tasks.screen_list_delta.call(watch_list.pk)
    assert summary["queued"] == 4 and len(queued) == 4
    run = DeltaRun.objects.get(pk=summary["run"])
    assert (run.full, run.changed) == (False, ["E-1"])
    _load(tmp_path, {"E-1": ROWS["E-1"]})  # reloaded during the run: E-2 removed
    monkeypatch.setattr(tasks, "screen_list_delta", SimpleNamespace(enqueue=requeued.append))
    results = [chunk_task.call(*args) for args in queued]
    assert results[-1]["finished"] and requeued == [watch_list.pk]
    assert Alert.objects.filter(source_id="E-1", status="open").count() == 2
    watch_list.refresh_from_db()
    assert watch_list.screened_version_id == run.version_id  # the next run takes it to the current one
    final = list_task.call(watch_list.pk)
    assert final["entries_removed"] == 1 and final["entries_screened"] == 0


def test_the_list_s_page_and_api_show_how_far_its_delta_screening_is(tmp_path, parties, api_client):
    from tests.factories.screening import UserFactory

    officer = UserFactory(role="compliance_officer")
    client = api_client(officer)
    watch_list = _load(tmp_path, ROWS)
    queued = delta_screen(watch_list_id=watch_list.pk, chunked=True)
    first, last = queued["queue"][0]
    delta_chunk(run_id=queued["run"], first=first, last=last)
    shown = client.get(f"/api/v1/screening/lists/{watch_list.name}").json()["screening"]
    assert (shown["status"], shown["chunks"], shown["chunks_done"], shown["parties"]) == ("running", 4, 1, 2)
    assert shown["entries_changed"] is None and shown["finished_at"] is None
    page = client.get(f"/screening/lists/{watch_list.name}/").content.decode()
    assert "running, 1 of 4 chunks done" in page
    for first, last in queued["queue"][1:]:
        delta_chunk(run_id=queued["run"], first=first, last=last)
    shown = client.get(f"/api/v1/screening/lists/{watch_list.name}").json()["screening"]
    assert (shown["status"], shown["parties"], shown["counts"]["opened"]) == ("finished", 7, 2)
    page = client.get(f"/screening/lists/{watch_list.name}/").content.decode()
    assert "against version 1: 7 parties, finished" in page and "2 alerts opened, 0 closed" in page


def test_lists_show_tells_how_far_the_delta_screening_is(tmp_path, parties, cli):
    watch_list = _load(tmp_path, ROWS)
    queued = delta_screen(watch_list_id=watch_list.pk, chunked=True)
    first, last = queued["queue"][0]
    delta_chunk(run_id=queued["run"], first=first, last=last)
    assert "stored parties: against v1, running, 1 of 4 chunks done" in cli("lists_show", watch_list.name).out
    for first, last in queued["queue"][1:]:
        delta_chunk(run_id=queued["run"], first=first, last=last)
    shown = cli("lists_show", watch_list.name, "--json").json()["lists"][0]["screening"]
    assert (shown["status"], shown["parties"], shown["chunks_done"]) == ("finished", 7, 4)
    assert "7 screened, finished" in cli("lists_show", watch_list.name).out


def test_in_a_run_where_every_entry_is_new_an_alert_on_a_removed_entry_is_closed_as_removed(
    tmp_path, parties
):
    watch_list = _load(tmp_path, ROWS)
    delta_screen(watch_list_id=watch_list.pk)
    alert = Alert.objects.get(party_id=parties[1], source_id="E-1")
    assert alert.status == "open"
    e2 = "E-2,Quartz Meridian Trading,,organization,GB,OTHER,\n"  # changed
    _load(tmp_path, {"E-2": e2, "E-3": "E-3,Plainly Unrelated Name,,organization,GB,T,\n"})  # E-1 removed
    summary = delta_screen(watch_list_id=watch_list.pk)
    assert DeltaRun.objects.get(pk=summary["run"]).full and summary["entries_removed"] == 1
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert alert.reviews.order_by("-id").first().reason == "Entry removed from chunked in version 2."


def test_an_entry_changed_only_in_other_data_is_screened_again_for_the_parties_holding_its_alerts(
    tmp_path, parties
):
    watch_list = _load(tmp_path, ROWS)
    delta_screen(watch_list_id=watch_list.pk)
    held = Alert.objects.get(party_id=parties[1], source_id="E-1")
    Alert.objects.filter(party_id=parties[6], source_id="E-1").delete()  # as if never matched
    # stored without being screened (screen=False): screened by the next delta, whatever changed
    unscreened = ScreenedPartyFactory(name=LISTED, org_unit=OrgUnitFactory(), last_screened_at=None)
    left_alone = ScreenedParty.objects.get(pk=parties[6]).last_screened_at
    # a programme and remarks changed: nothing a screening reads
    e1 = f"E-1,{LISTED},,organization,GB,OTHER-PROG,moved to another programme\n"
    _load(tmp_path, {"E-1": e1, "E-2": ROWS["E-2"]})
    summary = delta_screen(watch_list_id=watch_list.pk)
    run = DeltaRun.objects.get(pk=summary["run"])
    assert (run.changed, run.matching) == (["E-1"], [])
    assert run.chunks == 1  # ranges of DELTA_CHUNK * DATA_ONLY_CHUNKS parties: only a few are screened
    assert (summary["entries_screened"], summary["entries_matching"], summary["parties"]) == (1, 0, 2)
    held.refresh_from_db()
    assert held.status == "open" and held.entry_version_id == watch_list.current_version.pk
    assert summary["updated"] == 1 and summary["opened"] == 1
    assert Alert.objects.get(party=unscreened, source_id="E-1").status == "open"
    # the screened party without an alert on it was not screened again: the entry cannot match it now if it
    # did not before
    assert not Alert.objects.filter(party_id=parties[6], source_id="E-1").exists()
    assert ScreenedParty.objects.get(pk=parties[6]).last_screened_at == left_alone
    unscreened.refresh_from_db()
    assert unscreened.last_screened_at is not None
    entry = LedgerEntry.objects.get(action="screening.delta_screen", summary__run=run.pk)
    assert (entry.summary["entries_matching"], entry.summary["parties"]) == (0, 2)


def test_an_entry_changed_in_what_screening_reads_is_screened_against_every_party(tmp_path, parties):
    same = {"E-4": "E-4,Plainly Unrelated Name,,organization,GB,T,\n"}  # unchanged throughout
    watch_list = _load(tmp_path, {**ROWS, **same})
    delta_screen(watch_list_id=watch_list.pk)
    Alert.objects.filter(party_id=parties[6], source_id="E-1").delete()
    e1 = f"E-1,{LISTED},Vantablack Harbour,organization,GB,TEST,\n"  # an alias added
    e2 = "E-2,Quartz Meridian Trading,,organization,GB,OTHER,\n"  # the programme only
    _load(tmp_path, {"E-1": e1, "E-2": e2, **same})
    summary = delta_screen(watch_list_id=watch_list.pk)
    run = DeltaRun.objects.get(pk=summary["run"])
    assert (run.changed, run.matching) == (["E-1", "E-2"], ["E-1"])
    assert (summary["entries_screened"], summary["entries_matching"], summary["parties"]) == (2, 1, 7)
    assert summary["opened"] == 1 and summary["updated"] == 1
    assert Alert.objects.get(party_id=parties[6], source_id="E-1").status == "open"
    # a country changed is read by screening too; an entry added always is
    e1 = f"E-1,{LISTED},Vantablack Harbour,organization,FR,TEST,\n"
    e3 = "E-3,Another Unrelated Name,,organization,GB,T,\n"
    _load(tmp_path, {"E-1": e1, "E-2": e2, "E-3": e3, **same})
    run = DeltaRun.objects.get(pk=delta_screen(watch_list_id=watch_list.pk)["run"])
    assert (run.changed, run.matching) == (["E-1", "E-3"], ["E-1", "E-3"])


def test_an_entry_changed_in_a_version_between_counts_as_changed_in_what_screening_reads(tmp_path, parties):
    # a party registered while version 2 was current was screened against its names: version 3 brings the
    # version 1 names back with another programme, which is a change for that party
    same = {"E-4": "E-4,Plainly Unrelated Name,,organization,GB,T,\n"}
    watch_list = _load(tmp_path, {**ROWS, **same})
    delta_screen(watch_list_id=watch_list.pk)
    _load(tmp_path, {"E-1": f"E-1,{LISTED},Vantablack,organization,GB,TEST,\n", "E-2": ROWS["E-2"], **same})
    _load(tmp_path, {"E-1": f"E-1,{LISTED},,organization,GB,OTHER,\n", "E-2": ROWS["E-2"], **same})
    run = DeltaRun.objects.get(pk=delta_screen(watch_list_id=watch_list.pk)["run"])
    assert (run.from_version.number, run.version.number) == (1, 3)
    assert (run.changed, run.matching) == (["E-1"], ["E-1"])
