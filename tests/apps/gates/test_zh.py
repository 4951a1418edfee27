"""The gate pages speak Simplified Chinese to a browser that asks for it, and English otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from conduct.apps.accounts.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.gates import GateDecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in this thread; later tests (CLI output) expect English."""
    yield
    translation.activate("en")


def test_the_decision_pages_in_chinese_and_in_english(api_client) -> None:
    decision = GateDecisionFactory()
    client = api_client(UserFactory(role=Role.ADMIN))
    listing = client.get("/gates/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>关口决定</h1>" in listing and "销售交易" in listing and "审查" in listing
    assert "<h1>Gate decisions</h1>" in client.get("/gates/").content.decode()
    page = client.get(f"/gates/decisions/{decision.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f"销售交易决定 {decision.pk}" in page and "未触发任何规则：允许该审查对象。" in page


def test_the_policy_pack_page_in_chinese(api_client) -> None:
    client = api_client(UserFactory(role=Role.ADMIN))
    page = client.get("/gates/policy/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>政策包</h1>" in page and "版本历史" in page


def test_the_gate_form_names_countries_in_the_readers_language(api_client) -> None:
    """Country names come from CLDR through ICU in Chinese (codes unchanged); English keeps its own names."""
    client = api_client(UserFactory(role=Role.COMPLIANCE_OFFICER))
    zh = client.get("/gates/try/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<option value="AE">阿拉伯联合酋长国 (AE)</option>' in zh
    assert "United Arab Emirates (AE)" not in zh
    assert "United Arab Emirates (AE)" in client.get("/gates/try/").content.decode()
