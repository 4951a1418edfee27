"""The grievance officers' pages read in Simplified Chinese when the browser asks for it (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.apps.grievances.conftest import post_json


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """A request with Accept-Language leaves its language active in the thread: later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_officers_pages_read_in_chinese(officers, report):
    grievance_id, _ = report()
    client = Client()
    client.force_login(officers[0])
    listing = client.get("/grievances/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert listing.status_code == 200
    assert "打开举报将对其解密" in listing.content.decode()
    page = client.get(f"/grievances/{grievance_id}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "与举报人的沟通记录" in page and "记录补救措施" in page
    english = client.get(f"/grievances/{grievance_id}/").content.decode()
    assert "Thread with the reporter" in english


def test_a_service_error_reads_in_chinese(officers, report):
    grievance_id, _ = report()
    client = Client()
    client.force_login(officers[0])
    url = f"/api/v1/grievances/{grievance_id}/link"
    response = post_json(client, url, {"supplier": 10**12}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 422
    assert "没有供应商" in response.json()["error"]["fields"]["supplier"]
