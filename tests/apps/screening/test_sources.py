"""List sources that keep themselves current: real list files served by a local HTTP server, a changed file
loads a new version, the same file changes nothing, a broken file keeps the last good version and tells the
officers once; and the batch screening API."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from django.utils import timezone

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import Invalid
from conduct.apps.notifications.models import Notification
from conduct.apps.screening.batch import screening_batch
from conduct.apps.screening.models import ListSource, WatchList
from conduct.apps.screening.services.sources import source_add, source_fetch, sources_fetch_due
from tests.apps.screening.conftest import WATCHLISTS
from tests.factories.screening import UserFactory

pytestmark = pytest.mark.django_db

DPL = WATCHLISTS / "bis_dpl_2021" / "dpl.txt"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on localhost, and its base URL."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_scheduled_source_updates_itself_and_survives_a_broken_file(served):
    folder, base = served
    officer = UserFactory(role="compliance_officer")
    shutil.copyfile(DPL, folder / "dpl.txt")
    source = source_add(
        actor=CLI,
        name="dpl_feed",
        url=f"{base}/dpl.txt",
        format="bis_dpl",
        kind="export_control",
        interval_hours=6,
    )
    (first,) = sources_fetch_due(actor=CLI)
    assert (first.status, first.version) == ("loaded", 1)
    watch_list = WatchList.objects.get(name="dpl_feed")
    assert watch_list.current_version.entry_count > 100
    assert sources_fetch_due(actor=CLI) == []  # not due again for six hours

    assert source_fetch(actor=CLI, source=source).status == "unchanged"  # same content: no new version
    lines = DPL.read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "dpl.txt").write_text("".join(lines[:-5]), encoding="utf-8")
    changed = source_fetch(actor=CLI, source=source)
    assert (changed.status, changed.version) == ("loaded", 2)

    (folder / "dpl.txt").write_text("this is not a denied persons list\n", encoding="utf-8")
    broken = source_fetch(actor=CLI, source=source)
    assert broken.status == "failed" and broken.error
    source.refresh_from_db()
    assert source.last_error and source.last_good_version.number == 2
    assert watch_list.current_version.number == 2  # the last good version stays in force
    assert Notification.objects.filter(user=officer, text__contains="dpl_feed").count() == 1
    source_fetch(actor=CLI, source=source)  # the same incident: no second notice
    assert Notification.objects.filter(user=officer, text__contains="dpl_feed").count() == 1

    (folder / "dpl.txt").unlink()  # a 404 is a failure too
    assert "404" in source_fetch(actor=CLI, source=source).error
    shutil.copyfile(DPL, folder / "dpl.txt")
    recovered = source_fetch(actor=CLI, source=source)
    assert (recovered.status, recovered.version) == ("loaded", 3)
    source.refresh_from_db()
    assert source.last_error == "" and source.notified_incident == ""


def test_a_file_over_the_size_limit_is_refused(served):
    folder, base = served
    shutil.copyfile(DPL, folder / "dpl.txt")
    source = source_add(
        actor=CLI,
        name="dpl_small",
        url=f"{base}/dpl.txt",
        format="bis_dpl",
        kind="export_control",
        max_bytes=4096,
    )
    result = source_fetch(actor=CLI, source=source)
    assert result.status == "failed" and "limit" in result.error
    assert not WatchList.objects.filter(name="dpl_small").exists()


def test_a_stale_source_is_reported_once(served):
    folder, base = served
    officer = UserFactory(role="compliance_officer")
    shutil.copyfile(DPL, folder / "dpl.txt")
    source = source_add(
        actor=CLI, name="dpl_stale", url=f"{base}/dpl.txt", format="bis_dpl", kind="export_control"
    )
    source_fetch(actor=CLI, source=source)
    ListSource.objects.filter(pk=source.pk).update(enabled=True, interval_hours=24 * 30)
    later = timezone.now() + timedelta(days=5)
    sources_fetch_due(actor=CLI, now=later)
    sources_fetch_due(actor=CLI, now=later + timedelta(hours=1))
    assert Notification.objects.filter(user=officer, text__contains="no good fetch").count() == 1


def test_source_add_names_bad_fields():
    with pytest.raises(Invalid) as caught:
        source_add(
            actor=CLI, name="Bad Name", url="ftp://x", format="nope", kind="sanctions", interval_hours=0
        )
    assert set(caught.value.fields) == {"name", "url", "format", "interval_hours"}


def test_batch_screening_answers_each_name_in_order_and_names_a_bad_row(tmp_path):
    from conduct.apps.screening.services import list_load
    from tests.apps.screening.conftest import write_list

    list_load(
        actor=CLI,
        path=write_list(tmp_path, {"B-1": "B-1,Quasar Lens Trading Company,,organization,CN,T,\n"}),
        name="batch_list",
    )
    found = screening_batch(
        actor=CLI,
        rows=[{"id": "a", "name": "Quasar Lens Trading Co"}, {"id": "b", "name": "Nobody Known Here"}],
    )
    assert [r["id"] for r in found] == ["a", "b"]
    assert found[0]["matches"][0]["entry_id"] == "B-1" and found[1]["matches"] == []
    assert set(found[0]["matches"][0]) == {"list", "entry_id", "name", "matched_name", "score", "explanation"}
    with pytest.raises(Invalid) as caught:
        screening_batch(actor=CLI, rows=[{"id": "a", "name": "ok name"}, {"id": "b", "name": ""}])
    assert list(caught.value.fields) == ["names[1].name"]
    with pytest.raises(Invalid) as caught:
        screening_batch(actor=CLI, rows=[{"name": "x"}] * 1001)
    assert "names" in caught.value.fields
