"""What `conduct gate check`, `screen` and `suppliers import` print (conduct.pipeline.output, Django-free,
shared by the local and the remote form) follows the CLI's language, like every other CLI message."""

from __future__ import annotations

import pytest

from conduct.pipeline.output import gate_lines, import_committed, no_lists, problem_line, screen_lines

RESULT = {
    "decision_id": None,
    "outcome": "review",
    "gate": "sales_deal",
    "policy_version": "2026.12",
    "reasons": [],
    "errors": [],
    "conditions": ["Named end user only"],
    "referrals": [{"to": "technical-ethics-committee"}],
}


@pytest.mark.parametrize("variable", ["LANG", "CONDUCT_LANGUAGE"])
def test_chinese_under_a_chinese_locale(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    for name in ("CONDUCT_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "zh_CN.UTF-8" if variable == "LANG" else "zh-hans")
    assert gate_lines(RESULT) == [
        "REVIEW  sales_deal  （试运行，未记录；策略 2026.12）",
        "  条件：Named end user only",
        "  转交：technical-ethics-committee",
    ]
    assert screen_lines("ACME", 0.8, [], []) == ["'ACME' 有 0 个匹配达到或高于 0.80（名单：无）"]
    assert import_committed({"seconds": 1.5}) == "已导入，用时 1.5 秒。"
    assert (
        problem_line({"file": "s.csv", "row": 3, "column": "country", "message": "x"})
        == "s.csv 第 3 行，country 列: x"
    )
    assert no_lists().startswith("警告")


def test_english_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONDUCT_LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert gate_lines(RESULT)[0] == "REVIEW  sales_deal  (dry run, not recorded; policy 2026.12)"
    assert screen_lines("ACME", 0.8, [], []) == ["0 matches for 'ACME' at or above 0.80 (lists: none)"]
    assert import_committed({"seconds": 1.5}) == "Imported in 1.5 s."
