"""The `conduct` CLI's own texts follow the CLI's language (issue 22): `conduct --help`, a verb's --help
(argparse's words, the command's description, its arguments' help and the options Django adds), argparse's
errors, and a configuration error found before Django starts. Each runs `conduct` in a fresh interpreter, as
a person's shell does."""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

from conduct.apps.commandkit import ConductCommand
from conduct.pipeline import _i18n

SHARED = Path(__file__).resolve().parents[1] / "src" / "conduct" / "locale" / "zh_Hans" / "LC_MESSAGES"
CJK = range(0x4E00, 0xA000)


def _conduct(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LC_MESSAGES", "LANG"}}
    environ.pop("DJANGO_SETTINGS_MODULE", None)  # the CLI's own settings, as a person's shell has them
    environ.update({"CONDUCT_HOME": str(tmp_path), "CONDUCT_LANGUAGE": "en", **env})
    code = f"from conduct.cli import main; main({list(args)!r})"
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)


def _chinese(text: str) -> bool:
    return any(ord(c) in CJK for c in text)


def test_conduct_help_speaks_chinese_when_asked_and_english_otherwise(tmp_path: Path) -> None:
    chinese = _conduct(tmp_path, "--help", CONDUCT_LANGUAGE="zh-hans")
    assert chinese.returncode == 0, chinese.stderr
    assert "`conduct` 命令" in chinese.stdout and "常用命令：" in chinese.stdout
    assert "  migrate                    创建或更新数据库\n" in chinese.stdout
    assert "gate check GATE SUBJECT.json" in chinese.stdout  # verbs and options stay as typed
    english = _conduct(tmp_path, "--help", CONDUCT_LANGUAGE="", LANG="C")
    assert "Common verbs:" in english.stdout and not _chinese(english.stdout)
    assert "  migrate                    create or update the database\n" in english.stdout


def test_a_verbs_help_speaks_chinese_argparses_words_and_djangos_options_too(tmp_path: Path) -> None:
    result = _conduct(tmp_path, "gate", "check", "--help", LANG="zh_CN.UTF-8", CONDUCT_LANGUAGE="")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("用法：conduct gate_check")
    assert "在关卡对审查对象作出决定并打印该决定。" in out  # the command's description
    assert "位置参数" in out and "选项" in out and "显示此帮助信息并退出" in out  # argparse's words
    assert "JSON 文件的路径，或用 - 表示标准输入" in out  # an argument's help
    # options Django adds
    assert "发生 CommandError 异常时显示完整的堆栈跟踪。" in out and "显示程序的版本号并退出。" in out
    for english in (
        "usage:",
        "options:",
        "show this help",
        "Path to a JSON file",
        "Display a full stack trace",
    ):
        assert english not in out


def test_argparses_errors_speak_chinese(tmp_path: Path) -> None:
    result = _conduct(tmp_path, "gate", "check", CONDUCT_LANGUAGE="zh-hans")
    assert result.returncode == 2
    assert result.stderr.endswith("conduct gate_check：错误：缺少以下必需参数：gate, subject\n"), (
        result.stderr
    )


def test_a_configuration_error_before_django_speaks_the_clis_language(tmp_path: Path) -> None:
    chinese = _conduct(tmp_path, "audit", "verify", CONDUCT_LANGUAGE="zh-hans", LOGIN_SPRAY_LIMIT="many")
    assert chinese.returncode == 2
    assert chinese.stderr == "conduct：配置错误：LOGIN_SPRAY_LIMIT='many'：应为整数\n"
    english = _conduct(tmp_path, "audit", "verify", LOGIN_SPRAY_LIMIT="many")
    assert (
        english.stderr == "conduct: configuration error: LOGIN_SPRAY_LIMIT='many': expected a whole number\n"
    )


def _argparse_msgids() -> set[str]:
    """Every message the running Python's argparse passes to its `_` / `ngettext`."""
    found = set()
    for node in ast.walk(ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "ngettext")
        ):
            for arg in node.args[: 2 if node.func.id == "ngettext" else 1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def test_the_shared_catalogue_translates_every_argparse_message() -> None:
    catalogue = polib.pofile(str(SHARED / "django.po"))
    translated = {m for e in catalogue.translated_entries() for m in (e.msgid, e.msgid_plural) if m}
    assert {"usage: ", "options", "show this help message and exit"} <= _argparse_msgids()
    assert _argparse_msgids() - translated == set()


def test_every_conduct_commands_help_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Conduct command is a ConductCommand, and in Chinese its description and every argument's help
    (its own, argparse's -h, Django's options) come out of a catalogue."""
    monkeypatch.setenv("CONDUCT_LANGUAGE", "zh-hans")
    saved = {name: vars(argparse)[name] for name in ("_", "ngettext")}
    _i18n.translate_argparse()
    untranslated = {}
    try:
        with translation.override("zh-hans"):
            for name, app in sorted(get_commands().items()):
                if not app.startswith("conduct."):
                    continue
                command = load_command_class(app, name)
                assert isinstance(command, ConductCommand), name
                parser = command.create_parser("conduct", name)
                formatter = parser._get_formatter()
                texts = [parser.description or ""] + [
                    formatter._get_help_string(a) or "" for a in parser._actions if a.help
                ]
                bare = [t for t in texts if not _chinese(t)]
                if bare:
                    untranslated[name] = bare
    finally:
        vars(argparse).update(saved)
    assert untranslated == {}


def test_an_in_process_cli_call_leaves_the_callers_url_map_and_language(monkeypatch, capsys) -> None:
    # a test calling the CLI in process once left the pages-only URL map (and the CLI's language) set for
    # the tests after it in the same worker: the API's URL names were then unknown there
    from django.urls import get_urlconf, reverse

    from conduct.cli import main

    monkeypatch.setenv("CONDUCT_LANGUAGE", "zh-hans")
    before = (get_urlconf(), translation.get_language())
    with pytest.raises(SystemExit):  # a usage error, in Chinese: the call's language while it ran
        main(["policy", "validate"])
    assert "缺少以下必需参数" in capsys.readouterr().err
    assert (get_urlconf(), translation.get_language()) == before
    assert reverse("api:ping") == "/api/v1/ping"
