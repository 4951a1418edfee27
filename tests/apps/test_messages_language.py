"""Messages raised in Python speak the user's language (issue 22): an API error's message and field messages
follow Accept-Language or the user's own choice while the code and the field names stay the same; the
`conduct` CLI follows CONDUCT_LANGUAGE, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from conduct.cli import cli_language, main
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _bad_token_request(client: Client, **headers: Any) -> Any:
    # A blank name passes the schema; the service refuses it (422 invalid, field "name").
    return client.post(
        "/api/v1/tokens", json.dumps({"name": "   "}), content_type="application/json", **headers
    )


def _error(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.content
    error: dict[str, Any] = response.json()["error"]
    return error


def test_a_422_speaks_chinese_to_a_browser_asking_for_it_and_english_otherwise() -> None:
    client = Client()
    client.force_login(UserFactory())
    zh = _error(_bad_token_request(client, HTTP_ACCEPT_LANGUAGE="zh-Hans"))
    en = _error(_bad_token_request(client, HTTP_ACCEPT_LANGUAGE="en"))
    assert en == {
        "code": "invalid",
        "message": "The token request is not valid.",
        "fields": {"name": "A name of 1-100 characters is required."},
    }
    assert zh == {
        "code": "invalid",
        "message": "令牌申请无效。",
        "fields": {"name": "必须提供 1-100 个字符的名称。"},
    }


def test_a_users_own_language_wins_over_the_browser() -> None:
    client = Client()
    client.force_login(UserFactory(language="zh-hans"))
    error = _error(_bad_token_request(client, HTTP_ACCEPT_LANGUAGE="en"))
    assert (error["code"], error["message"], list(error["fields"])) == ("invalid", "令牌申请无效。", ["name"])


def test_the_shared_api_messages_are_translated_too() -> None:
    # apikit.py's messages live in src/conduct/locale (LOCALE_PATHS), outside any app.
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        "/api/v1/tokens", "[]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    assert _error(response) == {
        "code": "invalid",
        "message": "请求正文必须是 JSON 对象。",
        "fields": {"body": "应为 JSON 对象，实际为 数组。"},
    }


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "C"}, None),
        ({}, None),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, None),  # LC_ALL wins
        ({"LANG": "C", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh-hans"),
        ({"LANG": "zh_CN.UTF-8", "CONDUCT_LANGUAGE": "en"}, None),  # CONDUCT_LANGUAGE wins
        ({"LANG": "C", "CONDUCT_LANGUAGE": "zh-hans"}, "zh-hans"),
    ],
)
def test_the_cli_language_follows_the_environment(environ: dict[str, str], expected: str | None) -> None:
    assert cli_language(environ) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh_CN.UTF-8", "/nonexistent/suppliers.csv：没有该文件"),
        ("C", "/nonexistent/suppliers.csv: no such file"),
    ],
)
def test_a_cli_error_speaks_the_environments_language(
    lang: str, expected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CONDUCT_LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    translation.deactivate()
    try:
        with pytest.raises(SystemExit) as exit_:
            main(["suppliers", "import", "/nonexistent/suppliers.csv"])
    finally:
        translation.deactivate()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err


def test_schema_errors_speak_the_callers_language_too() -> None:
    """pydantic's own messages (a missing field, text too long, a number that is not one) are given in the
    caller's language; English callers keep pydantic's wording."""
    client = Client()
    client.force_login(UserFactory())
    body = json.dumps({"name": "x" * 101, "expires_days": "soon"})
    zh = _error(
        client.post("/api/v1/tokens", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    )
    en = _error(
        client.post("/api/v1/tokens", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert zh["code"] == en["code"] == "invalid" and set(zh["fields"]) == set(en["fields"])
    assert zh["fields"]["name"] == "最多 100 个字符。" and en["fields"]["name"].startswith(
        "String should have at most"
    )
    assert zh["fields"]["expires_days"] == "应为整数。"
