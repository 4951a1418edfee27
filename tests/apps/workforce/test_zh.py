"""Own-operations pages read in Simplified Chinese when the browser asks for it (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """A request with Accept-Language leaves its language active in the thread: later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_own_operations_pages_read_in_chinese(world):
    client = Client()
    client.force_login(world.plant_liaison)
    index = client.get("/workforce/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert index.status_code == 200
    assert "自有运营" in index.content.decode()
    site = client.get(f"/workforce/sites/{world.plant.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "职业健康安全" in site and "记录事件" in site
    assert "Health and safety" in client.get(f"/workforce/sites/{world.plant.pk}/").content.decode()
