"""The product pages speak Simplified Chinese to a browser that asks for it, and English otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from conduct.apps.accounts.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.products import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in this thread; later tests (CLI output) expect English."""
    yield
    translation.activate("en")


def test_a_release_page_in_chinese_and_in_english(api_client) -> None:
    release = ReleaseFactory()
    client = api_client(UserFactory(role=Role.ADMIN))
    zh = client.get(f"/products/releases/{release.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "已知漏洞" in zh and "未导入 SBOM。" in zh and "Known vulnerabilities" not in zh
    en = client.get(f"/products/releases/{release.pk}/").content.decode()
    assert "Known vulnerabilities" in en and "已知漏洞" not in en


def test_the_public_disclosure_pages_in_chinese(api_client) -> None:
    client = api_client()
    advisories = client.get("/security/advisories/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>安全公告</h1>" in advisories and "<th>标题</th>" in advisories
    policy = client.get("/security/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "漏洞披露政策" in policy
