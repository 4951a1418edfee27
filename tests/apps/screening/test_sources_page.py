"""The list sources page (issue 24 §4 in the UI): officers see each source's state, fetch one now, add one
and load a relations file; bad input answers 422 naming the field or row and stores nothing; an analyst reads
the page without the forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conduct.apps.notifications.models import Notification
from conduct.apps.screening.models import EntityRelation, ListSource
from tests.factories.screening import UserFactory

pytestmark = pytest.mark.django_db

RELATIONS = b"owner_id,owned_id,share,relation,source\nlist:OWNER-1,party:ACME,60,ownership,registry\n"


def _source(**kw: Any) -> ListSource:
    defaults = {"name": "un_sc", "url": "/nonexistent/un.xml", "format": "un_xml", "kind": "sanctions"}
    return ListSource.objects.create(**{**defaults, **kw})


def test_officers_see_the_state_and_fetch_a_failing_source_now(api_client: Any) -> None:
    officer = UserFactory(role="compliance_officer")
    _source()
    client = api_client(officer)
    page = client.get("/screening/sources/").content.decode()
    assert "un_sc" in page and "not fetched yet" in page and "Fetch un_sc now" in page
    response = client.post("/screening/sources/un_sc/fetch", follow=True)
    text = response.content.decode()
    assert "could not be fetched" in text and "The last good version stays in force." in text
    assert "failing" in text
    assert Notification.objects.filter(user=officer, link="/screening/sources/").exists()


def test_adding_a_source_checks_each_field_and_stores_nothing_on_error(api_client: Any) -> None:
    client = api_client(UserFactory(role="compliance_officer"))
    bad = client.post(
        "/screening/sources/",
        {"name": "Bad Name!", "url": "ftp://x", "format": "nope", "kind": "sanctions", "interval_hours": "0"},
    )
    assert bad.status_code == 422 and "A whole number of hours from 1 to 8784." in bad.content.decode()
    bad = client.post(
        "/screening/sources/",
        {
            "name": "Bad Name!",
            "url": "ftp://x",
            "format": "nope",
            "kind": "sanctions",
            "interval_hours": "24",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 422 and 'id="src-name-error"' in body and 'id="src-url-error"' in body
    assert not ListSource.objects.exists()
    ok = client.post(
        "/screening/sources/",
        {
            "name": "bis_dpl",
            "url": "https://lists.example.org/dpl.txt",
            "format": "bis_dpl",
            "kind": "export_control",
            "interval_hours": "12",
        },
    )
    assert ok.status_code == 302 and ListSource.objects.get(name="bis_dpl").interval_hours == 12


def test_a_relations_file_loads_whole_or_not_at_all(api_client: Any) -> None:
    client = api_client(UserFactory(role="compliance_officer"))
    upload = SimpleUploadedFile("rel.csv", RELATIONS, content_type="text/csv")
    loaded = client.post("/screening/relations/", {"format": "csv", "file": upload}, follow=True)
    assert "Relations loaded: 1 new, 0 updated, 0 unchanged." in loaded.content.decode()
    broken = RELATIONS + b"list:OWNER-2,party:ACME,not-a-share,ownership,registry\n"
    refused = client.post(
        "/screening/relations/", {"format": "csv", "file": SimpleUploadedFile("r.csv", broken)}
    )
    assert refused.status_code == 422 and "nothing was stored" in refused.content.decode()
    assert EntityRelation.objects.count() == 1
    missing = client.post("/screening/relations/", {"format": "xml"})
    assert missing.status_code == 422 and "Choose CSV or FtM." in missing.content.decode()


def test_an_analyst_reads_the_page_without_its_forms(api_client: Any) -> None:
    _source()
    page = api_client(UserFactory(role="analyst")).get("/screening/sources/").content.decode()
    assert "un_sc" in page and "Add a source" not in page and "Fetch un_sc now" not in page
