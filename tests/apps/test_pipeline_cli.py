"""The pipeline CLI (issue 23 §3): `conduct gate check`, `conduct screen` and `conduct suppliers import` with
`--server URL` and CONDUCT_TOKEN call a running Conduct's API and print what the local form prints, with the
same exit codes; the remote path never loads Django."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conduct import cli
from conduct.apps.screening.models import WatchListEntry
from conduct.apps.suppliers.models import Supplier
from tests.apps.gates.test_decisions import CLEAN_RELEASE, release
from tests.apps.suppliers.test_import import CLEAN, MESSY_SUPPLIERS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _index_cache_in_tmp(tmp_path_factory: Any, settings: Any) -> None:
    settings.CONDUCT = {
        **settings.CONDUCT,
        "SCREENING_CACHE_DIR": str(tmp_path_factory.getbasetemp() / "index-cache"),
    }


@pytest.fixture
def server(live_server: Any, officer: Any, bearer: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The live server's URL, with CONDUCT_TOKEN set to a read-write token of the officer."""
    token = bearer(officer)["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    monkeypatch.setenv("CONDUCT_TOKEN", token)
    monkeypatch.delenv("CONDUCT_URL", raising=False)
    return str(live_server.url)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`conduct ARGS` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        cli.main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def same(text: str) -> str:
    """What differs between two runs by nature: decision ids and timings."""
    text = re.sub(r"decision \d+", "decision N", text)
    text = re.sub(r'"decision_id": \d+', '"decision_id": N', text)
    text = re.sub(r"\d+(\.\d+)? s\b", "T s", text)
    return re.sub(r'"seconds": [\d.]+', '"seconds": T', text)


def both(capsys: pytest.CaptureFixture[str], server: str, *args: str) -> tuple[int, str, str]:
    local = run(capsys, *args)
    remote = run(capsys, *args, "--server", server)
    assert (remote[0], same(remote[1]), same(remote[2])) == (local[0], same(local[1]), same(local[2]))
    return local


@pytest.mark.parametrize(
    ("subject", "code", "outcome"),
    [
        (CLEAN_RELEASE, 0, "ALLOW"),
        (release(unique_default_passwords=False), 1, "DENY"),
        (release(signed_firmware=False), 3, "REVIEW"),
    ],
    ids=["allow", "deny", "review"],
)
@pytest.mark.parametrize("form", [[], ["--json"], ["--dry-run"]], ids=["text", "json", "dry-run"])
def test_gate_check_prints_the_same_decision_and_exit_code_remotely(
    capsys: pytest.CaptureFixture[str],
    server: str,
    tmp_path: Path,
    subject: Any,
    code: int,
    outcome: str,
    form: list[str],
) -> None:
    path = tmp_path / "subject.json"
    path.write_text(json.dumps(subject))
    got, out, _ = both(capsys, server, "gate", "check", "product_release", str(path), *form)
    assert got == code
    if form == ["--json"]:
        assert json.loads(out)["outcome"] == outcome.lower() and json.loads(out)["decision_id"]
    else:
        assert out.startswith(outcome)


def test_gate_check_reports_bad_input_the_same_way(
    capsys: pytest.CaptureFixture[str], server: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"product": {}}))
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(CLEAN_RELEASE))
    for args in (
        ["product_release", str(bad)],
        ["product_release", str(wrong)],
        ["product_release", str(wrong), "--json"],
        ["product_release", str(listed)],
        ["product_release", str(tmp_path / "missing.json")],
        ["no_such_gate", str(good)],
    ):
        code, out, err = both(capsys, server, "gate", "check", *args)
        assert code == 2, args
        assert "invalid" in out + err


def test_screen_prints_the_same_matches_remotely(capsys: pytest.CaptureFixture[str], server: str) -> None:
    entry = WatchListEntry.objects.filter(version__is_current=True, entity_type="organization").first()
    assert entry is not None
    code, out, _ = both(capsys, server, "screen", entry.primary_name)
    assert code == 0 and "1. 1.00" in out
    code, out, _ = both(capsys, server, "screen", entry.primary_name, "--json", "--threshold", "0.5")
    assert code == 0 and json.loads(out)["matches"][0]["name"] == entry.primary_name
    code, out, err = both(capsys, server, "screen", entry.primary_name, "--country", "Narnia")
    assert code == 2 and "Narnia" in err and out == ""


def test_suppliers_import_previews_the_same_report_remotely(
    capsys: pytest.CaptureFixture[str], server: str, tmp_path: Path
) -> None:
    messy = tmp_path / "suppliers.csv"
    messy.write_bytes(MESSY_SUPPLIERS)
    code, out, err = both(capsys, server, "suppliers", "import", str(messy))
    assert code == 1 and "column country: unknown country code 'XX'" in out and "nothing was imported" in err
    code, out, _ = both(capsys, server, "suppliers", "import", str(messy), "--json")
    assert code == 1 and json.loads(out)["problem_count"] > 5
    clean = tmp_path / "clean"
    clean.mkdir()
    paths = []
    for name, content in CLEAN.items():
        (clean / name).write_bytes(content)
        paths.append(str(clean / name))
    code, out, _ = both(capsys, server, "suppliers", "import", *paths)
    assert code == 0 and "No problems" in out
    code, out, _ = both(capsys, server, "suppliers", "import", str(tmp_path / "nope.csv"))
    assert code == 1
    code, out, err = run(capsys, "suppliers", "import", *paths, "--commit", "--server", server)
    assert code == 0 and "Imported in" in out
    assert Supplier.objects.filter(external_id__in=["C-1", "C-2", "C-3", "C-4"]).count() == 4


def test_a_missing_token_or_an_unreachable_server_is_one_line_and_non_zero(
    capsys: pytest.CaptureFixture[str], server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "subject.json"
    path.write_text(json.dumps(CLEAN_RELEASE))
    code, out, err = run(
        capsys, "gate", "check", "product_release", str(path), "--server", "http://127.0.0.1:9"
    )
    assert code == 4 and out == "" and err.count("\n") == 1 and "cannot reach" in err
    monkeypatch.setenv("CONDUCT_TOKEN", "not-a-token")
    code, out, err = run(capsys, "screen", "Anyone", "--server", server)
    assert code == 4 and err.count("\n") == 1 and "refused the token" in err
    monkeypatch.delenv("CONDUCT_TOKEN")
    code, out, err = run(capsys, "gate", "check", "product_release", str(path), "--server", server)
    assert code == 2 and err.count("\n") == 1 and "CONDUCT_TOKEN" in err
    code, out, err = run(capsys, "screen", "Anyone", "--server", "ftp://example.org")
    assert code == 2 and err.count("\n") == 1


def test_conduct_url_in_the_environment_means_remote(
    capsys: pytest.CaptureFixture[str], server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONDUCT_URL", server)
    path = tmp_path / "subject.json"
    path.write_text(json.dumps(CLEAN_RELEASE))
    code, out, _ = run(capsys, "gate", "check", "product_release", str(path), "--as", "admin")
    assert code == 2  # --as is for the local form; remotely the token's user decides


def test_the_remote_path_loads_no_django(server: str, tmp_path: Path) -> None:
    path = tmp_path / "subject.json"
    path.write_text(json.dumps(CLEAN_RELEASE))
    script = (
        "import sys\n"
        "from conduct import cli\n"
        "try:\n"
        f"    cli.main(['gate', 'check', 'product_release', {str(path)!r}, '--server', {server!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "names = ('django', 'conduct.apps')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django' or m.startswith(names))\n"
        "print('CODE', code, 'LOADED', loaded)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.stdout.splitlines()[-1] == "CODE 0 LOADED []", ran.stderr
    assert ran.stdout.startswith("ALLOW  product_release  (decision ")
