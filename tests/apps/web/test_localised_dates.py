"""Dates follow the reader's language (issue 22): ISO in English tables, 2026年12月20日 in Chinese ones; a
date input is filled with an ISO date in both (a browser's date input reads nothing else)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from conduct.apps.accounts.roles import Role
from tests.factories.governance import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2026, 12, 20, 9, 30, tzinfo=dt.UTC)


def test_the_named_formats_differ_by_language_and_inputs_read_iso_in_both() -> None:
    from django.utils.formats import get_format

    page = Template('{{ d|date:"SHORT_DATE_FORMAT" }} / {{ d|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override("en"):
        assert page.render(Context({"d": DUE})) == "2026-12-20 / 2026-12-20 09:30"
        assert get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
    with translation.override("zh-hans"):
        assert page.render(Context({"d": DUE})) == "2026年12月20日 / 2026年12月20日 09:30"
        assert get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


def test_a_chinese_reader_sees_chinese_dates_and_an_iso_date_input(api_client: Any) -> None:
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER, language="zh-hans")
    case = CaseFactory(org_unit=officer.home_unit, due_at=DUE)
    client = api_client(officer)
    page = client.get(f"/governance/cases/{case.pk}/").content.decode()
    assert "<dd>2026年12月20日</dd>" in page  # the case's due date, as read
    assert 'value="2026-12-20"' in page  # the same date in the edit form's date input
