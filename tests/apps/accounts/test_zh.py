"""The accounts pages speak Simplified Chinese to a browser that asks for it (#22)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.suppliers import OfficerFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_the_login_and_organisation_pages_render_in_chinese() -> None:
    login = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>登录 Conduct</h1>" in login and "忘记密码？" in login
    assert "<h1>Log in to Conduct</h1>" in Client().get(reverse("login")).content.decode()
    client = Client()
    client.force_login(OfficerFactory(unit=OrgUnitFactory()))
    units = client.get(reverse("orgunits"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>组织</h1>" in units
