"""The supplier pages speak Simplified Chinese to a browser that asks for it, and English otherwise (#22)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.suppliers import OfficerFactory, OrgUnitFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_the_supplier_list_and_page_render_in_chinese() -> None:
    unit = OrgUnitFactory()
    officer = OfficerFactory(unit=unit)
    supplier = SupplierFactory(org_unit=unit)
    client = Client()
    client.force_login(officer)
    listing = client.get(reverse("suppliers"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert listing.status_code == 200
    assert "<h1>供应商</h1>" in listing.content.decode()
    page = client.get(reverse("supplier", args=[supplier.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "场所与联系人" in page and "尚未评分。" in page
    english = client.get(reverse("supplier", args=[supplier.pk])).content.decode()
    assert "Sites and contacts" in english and "场所与联系人" not in english
