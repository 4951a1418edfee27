"""Dashboard, notifications and ledger pages speak Simplified Chinese to a browser that asks for it (#22)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.suppliers import OfficerFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def _client() -> Client:
    client = Client()
    client.force_login(OfficerFactory(unit=OrgUnitFactory()))
    return client


def test_the_dashboard_and_notifications_render_in_chinese() -> None:
    client = _client()
    home = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>仪表板</h1>" in home and "跳至主要内容" in home
    notes = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>通知</h1>" in notes and "没有新通知" in notes
    assert "<h1>Dashboard</h1>" in client.get(reverse("dashboard")).content.decode()


def test_the_ledger_renders_in_chinese() -> None:
    page = _client().get(reverse("ledger"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    assert "<h1>审计台账</h1>" in page.content.decode()
