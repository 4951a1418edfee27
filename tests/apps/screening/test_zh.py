"""The screening pages speak Simplified Chinese to a browser that asks for it (#22)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.suppliers import OfficerFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_the_alert_queue_and_watch_lists_render_in_chinese() -> None:
    officer = OfficerFactory(unit=OrgUnitFactory())
    client = Client()
    client.force_login(officer)
    alerts = client.get(reverse("screening"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert alerts.status_code == 200
    assert "<h1>筛查警报</h1>" in alerts.content.decode()
    lists = client.get(reverse("screening-lists"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>监控名单</h1>" in lists
    assert "<h1>Watch lists</h1>" in client.get(reverse("screening-lists")).content.decode()
