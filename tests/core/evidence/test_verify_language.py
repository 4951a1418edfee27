"""`conduct evidence verify` speaks the CLI's language (issue 22): its help, a file that is not there and
a changed bundle in Simplified Chinese with CONDUCT_LANGUAGE=zh-hans, byte-for-byte the English otherwise."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conduct.core import ledger

from .test_bundle import _bundle, _chain

CJK = range(0x4E00, 0xA000)


def _verify(tmp_path: Path, *args: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LC_MESSAGES", "LANG"}}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update({"CONDUCT_HOME": str(tmp_path), "CONDUCT_LANGUAGE": language})
    code = f"from conduct.cli import main; main({['evidence', 'verify', *args]!r})"
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)


def _chinese(text: str) -> bool:
    return any(ord(c) in CJK for c in text)


def _tampered(tmp_path: Path) -> tuple[Path, Path]:
    private_pem, public_pem = ledger.generate_keypair()
    data = _bundle(private_pem, public_pem, _chain(5))
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(data)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            target.writestr(name, b'{"id": 4}\n' if name == "records/cases/3.json" else body)
    bad.write_bytes(out.getvalue())
    return good, bad


def test_a_missing_file_is_reported_in_chinese_or_english(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.zip")
    chinese = _verify(tmp_path, missing, language="zh-hans")
    assert chinese.returncode == 2
    assert chinese.stderr == f"conduct evidence verify：{missing}：文件不存在\n"
    english = _verify(tmp_path, missing)
    assert english.returncode == 2
    assert english.stderr == f"conduct evidence verify: {missing}: no such file\n"


def test_a_changed_bundle_and_a_good_one_are_reported_in_chinese_or_english(tmp_path: Path) -> None:
    good, bad = _tampered(tmp_path)
    chinese = _verify(tmp_path, str(bad), language="zh-hans")
    assert chinese.returncode == 1
    assert chinese.stderr == "records/cases/3.json：SHA-256 与清单不符：文件已被修改\n"
    english = _verify(tmp_path, str(bad))
    assert english.returncode == 1
    assert (
        english.stderr == "records/cases/3.json: SHA-256 does not match the manifest: the file was changed\n"
    )
    ok = _verify(tmp_path, str(good), language="zh-hans")
    assert ok.returncode == 0 and ok.stdout.startswith("正常：5 个文件与清单一致；用证据包内的公钥"), (
        ok.stdout
    )
    ok_english = _verify(tmp_path, str(good))
    assert ok_english.stdout.startswith("ok: 5 files match the manifest; signature good with the key inside")
    assert not _chinese(ok_english.stdout + english.stderr)
    # --json stays English: machine output
    as_json = _verify(tmp_path, str(bad), "--json", language="zh-hans")
    assert '"reason": "SHA-256 does not match the manifest: the file was changed"' in as_json.stdout


def test_its_help_is_in_chinese(tmp_path: Path) -> None:
    result = _verify(tmp_path, "--help", language="zh-hans")
    assert result.returncode == 0
    assert "离线检查证据包。" in result.stdout and "证据包（.zip）" in result.stdout
    assert "以 JSON 输出结果" in result.stdout and "显示此帮助信息并退出" in result.stdout
    assert "Check an evidence bundle" not in result.stdout


def test_a_ledger_failure_inside_a_bundle_is_translated_and_its_str_stays_english(monkeypatch) -> None:
    from conduct.core import _i18n as core_i18n
    from conduct.pipeline import _i18n

    records = _chain(3)
    lines = list(ledger.export_lines(records))
    lines[2] = lines[2].replace('"n":2', '"n":9')  # entry 2 changed: its hash no longer matches
    result = ledger.verify_export(lines, public_pem=None)
    assert not result.ok
    english = result.message
    assert english.startswith("line 3 (seq 2): hash mismatch: stored ")
    monkeypatch.setenv("CONDUCT_LANGUAGE", "zh-hans")
    monkeypatch.setattr(core_i18n, "_translator", _i18n._)
    assert result.text.translated().startswith("第 3 行（序号 2）：哈希不符：存储的为 ")
    assert result.message == english  # str() and --json are English whatever the language


def test_a_malformed_export_line_is_translated_and_its_str_stays_english(monkeypatch) -> None:
    from conduct.core import _i18n as core_i18n
    from conduct.pipeline import _i18n

    lines = list(ledger.export_lines(_chain(2)))
    lines[1] = lines[1].replace('"seq":1', '"seq":"one"')
    result = ledger.verify_export(lines, public_pem=None)
    english = result.message
    assert english == "line 2: seq: expected an integer >= 1, found 'one'"
    monkeypatch.setenv("CONDUCT_LANGUAGE", "zh-hans")
    monkeypatch.setattr(core_i18n, "_translator", _i18n._)
    assert result.text.translated() == "第 2 行：seq：应为 >= 1 的整数，实际为 'one'"
    assert result.message == english


def test_a_public_key_that_is_not_one_is_named_in_chinese(tmp_path: Path) -> None:
    good, _bad = _tampered(tmp_path)
    key = tmp_path / "k.pem"
    key.write_text("not a key")
    chinese = _verify(tmp_path, str(good), "--public-key", str(key), language="zh-hans")
    assert chinese.returncode == 1
    assert chinese.stderr.startswith("--public-key：公钥：不是 PEM 公钥（"), chinese.stderr
    english = _verify(tmp_path, str(good), "--public-key", str(key))
    assert english.stderr.startswith("--public-key: public key: not a PEM public key ("), english.stderr
