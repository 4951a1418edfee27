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


def _zh_error(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    return error


def test_schema_errors_of_dates_numbers_json_and_a_schemas_own_check_speak_chinese() -> None:
    """The schema's other errors an API caller can make: a date with a time in it, a number too large or not
    finite, a body that is not JSON, and a schema's own validator (a case's deadline given as a number)."""
    from conduct.apps.accounts.roles import Role
    from tests.factories.governance import CaseFactory

    officer = UserFactory(role=Role.COMPLIANCE_OFFICER)
    client = Client()
    client.force_login(officer)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}

    def post_token(body: str) -> Any:
        return client.post("/api/v1/tokens", body, content_type="application/json", **zh)

    ledger = _zh_error(client.get("/api/v1/ledger", {"since": "2026-01-01T10:00"}, **zh))
    assert ledger["fields"] == {"since": "应为不带时间的日期（YYYY-MM-DD）。"}
    huge = _zh_error(post_token('{"name": "t", "expires_days": 1e30}'))
    assert huge["fields"] == {"expires_days": "数字过大。"}
    not_finite = _zh_error(post_token('{"name": "t", "expires_days": NaN}'))
    assert not_finite["fields"] == {"expires_days": "应为有限的数字。"}
    broken = _zh_error(post_token('{"name": '), status=400)
    assert broken["code"] == "bad_json" and set(broken["fields"].values()) <= {"请求正文不是有效的 JSON。"}
    case = CaseFactory(org_unit=officer.home_unit)
    deadline = _zh_error(
        client.patch(f"/api/v1/cases/{case.pk}", '{"due_at": 5}', content_type="application/json", **zh)
    )
    assert deadline["fields"] == {"due_at": "应为日期和时间（ISO 8601）。"}


# Inputs of every kind the API's schemas are built from (a string with limits and a pattern, bounded
# numbers, dates, lists, literals, unions, nested objects), each given values of every wrong sort.
_WRONG = [None, True, 1, -5, 1.5, 1e30, 10**30, float("nan"), "", "x", "ABC", "99999999999999999999999",
          "1.5", "maybe", [], [1], ["a", "b", "c"], {}, {"a": "x"}, "2026-13-01", "2026-02-30",
          "2026-02-30T10:00", "2026-01-01T10:00", "2026-01-01T25:00", 1700000001, "x" * 10]  # fmt: skip
_PROBED_KINDS = {"str", "int", "float", "bool", "date", "datetime", "list", "dict", "literal", "union",
                 "nullable", "default", "model", "model-fields", "model-field", "any", "function-wrap",
                 "function-before", "definitions", "definition-ref"}  # fmt: skip


def _core_kinds(schema: Any) -> set[str]:
    kinds: set[str] = set()
    if isinstance(schema, dict):
        if isinstance(schema.get("type"), str) and not {"ref", "metadata"} >= set(schema) - {"type"}:
            kinds.add(schema["type"])
        for key, value in schema.items():
            if key not in {"metadata", "serialization", "function"}:
                kinds |= _core_kinds(value)
    elif isinstance(schema, list):
        for value in schema:
            kinds |= _core_kinds(value)
    return kinds


def test_every_schema_error_an_api_input_can_produce_has_a_translated_message() -> None:
    import datetime as dt
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    from conduct.apps.apikit import _SCHEMA_MESSAGES
    from conduct.config.api import api

    api.get_openapi_schema()  # builds every operation's input models
    used = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    used |= _core_kinds(model.__pydantic_core_schema__)
    assert used - _PROBED_KINDS == set(), "an API input uses a kind of value this test does not probe yet"

    class Inner(BaseModel):
        a: int

    class Probe(BaseModel):
        model_config = ConfigDict(extra="forbid")
        s: str = Field("ab", min_length=2, max_length=5, pattern=r"^[a-z]+$")
        i: int = Field(1, ge=1, le=10)
        f: float = Field(0.5, gt=0, le=10)
        b: bool = False
        d: dt.date | None = None
        t: dt.datetime | None = None
        items: list[str] = Field(default_factory=lambda: ["a"], min_length=1, max_length=2)
        obj: dict[str, Any] = Field(default_factory=dict)
        lit: Literal["a", "b"] = "a"
        u: str | int | None = None
        m: Inner | None = None

    produced = set()
    for name in Probe.model_fields:
        for value in [*_WRONG, {"zz": 1}]:
            try:
                Probe.model_validate({name: value, "extra": 1} if value == {"zz": 1} else {name: value})
            except ValidationError as exc:
                produced |= {err["type"] for err in exc.errors()}
    try:
        Probe.model_validate_json('{"s": ')
    except ValidationError as exc:
        produced |= {err["type"] for err in exc.errors()}
    assert {"missing", "extra_forbidden", "json_invalid", "int_parsing_size"} <= produced
    assert produced - set(_SCHEMA_MESSAGES) == set()
