"""The framework library and control pages read in Simplified Chinese when the browser asks for it; the
reference data (framework names, requirement titles) keeps its source language and the page says so
(issue 22)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """A request with Accept-Language leaves its language active in the thread: later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def test_the_library_reads_in_chinese_and_says_the_reference_data_is_in_english(api_client, officer):
    client = api_client(officer)
    page = client.get("/catalog/", **ZH).content.decode()
    assert "<h1>框架库</h1>" in page and "保留其原文语言（英文）" in page
    requirement = client.get("/catalog/requirements/urn:conduct:ungp:UNGP-17/", **ZH).content.decode()
    assert "Human rights due diligence" in requirement and "可证明符合的证据" in requirement
    assert "保留其原文语言" not in client.get("/catalog/").content.decode()


def test_controls_and_their_errors_read_in_chinese(api_client, officer):
    client = api_client(officer)
    assert "新建控制措施" in client.get("/catalog/controls/", **ZH).content.decode()
    response = client.post("/catalog/controls/", {"code": "bad code!", "title": "x"}, **ZH)
    assert response.status_code == 422
    assert "只能使用字母、数字" in response.content.decode()
