"""English and Simplified Chinese: the browser's language, a user's choice and the switcher (issue 22)."""

from __future__ import annotations

import pytest
from django.test import Client

from conduct.apps.accounts.preferences import user_set_language
from conduct.apps.errors import Invalid
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_the_page_follows_the_browser_until_the_user_chooses(api_client) -> None:
    user = UserFactory(role="analyst")
    client = api_client(user)
    assert (
        '<html lang="zh-hans">'
        in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    )
    assert '<html lang="en">' in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    answer = client.post("/language/", {"language": "zh-hans", "next": "/dashboard/"})
    assert answer.status_code == 302 and answer["Location"] == "/dashboard/"
    user.refresh_from_db()
    assert user.language == "zh-hans"
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert '<html lang="zh-hans">' in page  # the user's choice wins over the browser
    client.post("/language/", {"language": "", "next": "/dashboard/"})
    user.refresh_from_db()
    assert user.language == ""


def test_an_anonymous_visitor_chooses_with_a_cookie_and_next_stays_on_this_site() -> None:
    client = Client()
    answer = client.post("/language/", {"language": "zh-hans", "next": "https://evil.example/"})
    assert answer["Location"] == "/"
    assert client.cookies["django_language"].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/login/").content.decode()


def test_an_unknown_language_is_refused_and_nothing_changes() -> None:
    user = UserFactory(role="analyst", language="en")
    with pytest.raises(Invalid) as caught:
        user_set_language(actor=user, language="fr")
    assert "language" in caught.value.fields
    user.refresh_from_db()
    assert user.language == "en"
