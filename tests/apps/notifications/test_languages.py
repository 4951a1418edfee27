"""A notification reads in its reader's language (issue 22): the inbox page, the API and the email render
the stored message source in each recipient's language, whoever's language was active when it was sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.roles import Role
from conduct.apps.notifications.messages import lowered, message
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import notify
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

VOTE = gettext_lazy("Case %(id)s needs your vote: %(title)s")


def _pair() -> tuple[Any, Any]:
    zh = UserFactory(role=Role.COMPLIANCE_OFFICER, language="zh-hans", email="zh@example.org")
    en = UserFactory(role=Role.COMPLIANCE_OFFICER, language="", email="en@example.org")
    return zh, en


def test_each_reader_sees_the_notification_in_their_own_language(
    api_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    zh, en = _pair()
    mail.outbox.clear()
    text = message(VOTE, id=7, title="Tender")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        # the sender's language does not decide the readers'
        notify(users=[zh, en], kind="vote_needed", text=text, link="/governance/cases/7/")
    stored = Notification.objects.get(user=en)
    assert stored.text == "Case 7 needs your vote: Tender"
    assert stored.template == "Case %(id)s needs your vote: %(title)s"
    assert stored.params == {"id": 7, "title": "Tender"}

    page_zh = api_client(zh).get("/governance/notifications/").content.decode()
    page_en = api_client(en).get("/governance/notifications/").content.decode()
    assert "个案 7 需要您投票：Tender" in page_zh and "needs your vote" not in page_zh
    assert "Case 7 needs your vote: Tender" in page_en

    api_zh = api_client(zh).get("/api/v1/notifications").json()["items"][0]
    assert api_zh["text"] == "个案 7 需要您投票：Tender"

    by_address = {m.to[0]: m for m in mail.outbox}
    assert "个案 7 需要您投票：Tender" in by_address["zh@example.org"].body
    assert "在 Conduct 中打开" in by_address["zh@example.org"].body
    assert "Open it in Conduct" in by_address["en@example.org"].body
    assert by_address["en@example.org"].subject.startswith("[Conduct] Vote needed: Case 7 needs your vote")


def test_a_label_inside_a_message_is_translated_and_lowered_when_read() -> None:
    from conduct.apps.governance.models import DecisionOutcome

    text = message(
        gettext_lazy("Case %(id)s was decided (%(outcome)s): %(title)s"),
        id=3,
        outcome=lowered(DecisionOutcome.APPROVE.label),
        title="T",
    )
    assert text.render("en") == f"Case 3 was decided ({str(DecisionOutcome.APPROVE.label).lower()}): T"
    with translation.override("zh-hans"):
        chinese = str(DecisionOutcome.APPROVE.label)
    assert text.render("zh-hans") == f"个案 3 已作出决定（{chinese}）：T"


def test_a_plain_text_notification_is_shown_as_written(api_client: Any) -> None:
    zh, _ = _pair()
    notify(users=[zh], kind="assignment", text="Written by hand", link="/x")
    assert "Written by hand" in api_client(zh).get("/governance/notifications/").content.decode()
