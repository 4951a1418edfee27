"""The device-access pages speak Simplified Chinese to a browser that asks for it, and English otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from conduct.apps.accounts.roles import Role
from tests.factories.access import AccessRequestFactory
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in this thread; later tests (CLI output) expect English."""
    yield
    translation.activate("en")


def test_the_access_pages_in_chinese_and_in_english(api_client) -> None:
    request = AccessRequestFactory()
    client = api_client(UserFactory(role=Role.ADMIN))
    zh = client.get("/access/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>设备访问</h1>" in zh and "无授权的访问" in zh
    assert "Device access" in client.get("/access/").content.decode()
    page = client.get(f"/access/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f"访问申请 {request.pk}" in page and "申请的范围" in page
