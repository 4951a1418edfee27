"""The governance pages speak Simplified Chinese to a browser that asks for it, and English otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.factories.governance import CaseFactory, CommitteeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in this thread; later tests (CLI output) expect English."""
    yield
    translation.activate("en")


def test_the_case_pages_in_chinese_and_in_english(api_client) -> None:
    case = CaseFactory()
    client = api_client(UserFactory())  # a compliance officer
    page = client.get(f"/governance/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f"个案 {case.pk}：{case.title}" in page and "尚无决定：本个案由合规官决定。" in page
    assert "产品" in page  # the dimension's label
    assert f"Case {case.pk}: {case.title}" in client.get(f"/governance/cases/{case.pk}/").content.decode()
    listing = client.get("/governance/cases/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>个案</h1>" in listing and "待我投票" in listing


def test_the_committee_page_in_chinese(api_client) -> None:
    committee = CommitteeFactory()
    client = api_client(UserFactory())
    page = client.get(
        f"/governance/committees/{committee.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert "决策规则" in page and "对移交的个案作出决定" in page
