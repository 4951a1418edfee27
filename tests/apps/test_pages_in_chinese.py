"""Every page reads in Chinese for a reader who chose it (issue 22): no text on any page is an English message
that the catalogues translate. That catches what the static checks in tests/test_i18n.py cannot see: labels
built in Python without gettext (a side-by-side table, a form field named only by its attribute), choices
whose labels are plain strings, and codes (a status, a band, a confidence) printed where their name belongs.

Every page of the authorization contract (tests/apps/test_authorization_matrix.py PAGES) that answers 200
with HTML is read once, by the first demo user (officer, auditor, liaison, then the other roles) allowed to
open it, with the user's language set to Simplified Chinese. Text that is data and happens to equal a message
(a ledger entry's recorded values, a policy document's own words, a reason stored when an event was recorded,
a framework's section names, which are reference data kept in their source language) is listed in DATA."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client

from tests.apps.test_authorization_matrix import PAGES, ROLE_CAST, fill

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "conduct"
READERS = ("compliance_officer", "auditor", "liaison", *ROLE_CAST)
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea"}
ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
# Text that is data, not interface, though it equals a message: (route, text).
DATA = {
    # the ledger records values as they were written (a status, a field's name), in English by design
    *(("audit/ledger/", w) for w in ("anonymous", "case", "closed", "file", "model", "number", "owner")),
    ("workforce/policies/versions/<int:version_id>/", "In review"),  # the demo policy's own text
    (
        "workforce/sites/<int:own_site_id>/",
        "Find the causes of the excess hours and bring every worker-week within the limits.",
    ),  # an action's text, stored when the finding was recorded  # fmt: skip
    ("access/", "no grant for this device"),  # the reason stored with the access event
    ("access/portal/", "no grant for this device"),
    ("catalog/frameworks/<str:framework_slug>/", "Remediation"),  # a UNGP section name (reference data)
    ("suppliers/portal/questionnaires/<int:response_id>/", "None"),  # an answer the questionnaire offers
}


@cache
def _translated_messages() -> frozenset[str]:
    """The English messages that have a Chinese translation (longer than three characters)."""
    found = set()
    for path in SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and entry.msgstr != entry.msgid and len(entry.msgid) > 3:
                found.add(entry.msgid)
    return frozenset(found)


class _Text(HTMLParser):
    """The visible text of a page (and the attributes a screen reader speaks), one string per text node."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        self.texts += [value.strip() for name, value in attrs if name in ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def _reader(role: str) -> tuple[Any, Client]:
    from conduct.apps.accounts.models import User

    user = User.objects.get(username=ROLE_CAST[role])
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")  # the public grievance channel follows the browser
    client.force_login(user)
    return user, client


def _pages() -> list[tuple[str, str]]:
    """(route, role): every page answering 200, with the first reader allowed to open it."""
    routes = sorted(route for (method, route), rule in PAGES.items() if method == "GET" and rule.ok == 200)
    return [(route, next(r for r in READERS if r in PAGES[("GET", route)].allowed)) for route in routes]


def test_no_page_shows_a_translated_message_in_english(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    readers = {role: _reader(role) for role in dict.fromkeys(role for _, role in _pages())}
    english = []
    checked = 0
    for route, role in _pages():
        user, client = readers[role]
        response = client.get("/" + fill(route, user))
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end, which closes a download's file
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        parser = _Text()
        parser.feed(response.content.decode())
        for text in dict.fromkeys(parser.texts):
            if text in _translated_messages() and (route, text) not in DATA:
                english.append(f"{route} ({ROLE_CAST[role]}): {text!r}")
    assert checked >= 100, f"only {checked} pages were read"
    assert english == [], "shown in English to a Chinese reader:\n" + "\n".join(english)


def test_the_reader_finds_english_left_in_a_chinese_page() -> None:
    parser = _Text()
    parser.feed('<h1>添加供应商</h1><p>Status:</p><label aria-label="Close">x</label><code>None</code>')
    assert parser.texts == ["添加供应商", "Status:", "Close", "x"]


# Pages whose names and texts come from reference data without an official translation (issue 22: they keep
# their source language "and say so"): the policy pack's rules, the sanctions programmes, the capabilities and
# purposes of the gate form, a decision's reasons, a release's ETSI provisions, a PSTI statement.
REFERENCE_PAGES = [
    "gates/policy/",
    "gates/sanctions/",
    "gates/try/",
    "gates/decisions/<int:decision_id>/",
    "products/releases/<int:release_id>/assessment",
    "products/<int:product_id>/psti",
]


def test_pages_of_reference_data_say_it_keeps_its_source_language() -> None:
    user, client = _reader("compliance_officer")
    missing = []
    for route in REFERENCE_PAGES:
        page = client.get("/" + fill(route, user)).content.decode()
        if "保留其原始语言（英文）" not in page:
            missing.append(route)
    assert missing == []
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    user.language = "en"
    user.save(update_fields=["language"])
    english.force_login(user)
    assert 'data-testid="reference-language"' not in english.get("/gates/policy/").content.decode()
