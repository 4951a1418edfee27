"""Environment helpers: unset or blank means the default; a bad value is a ConfigError naming the variable."""

from __future__ import annotations

import pytest

from conduct.config.env import ConfigError, envbool, envint, envstr


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_unset_or_blank_means_the_default(monkeypatch, raw):
    for name in ("X_STR", "X_BOOL", "X_INT"):
        if raw is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, raw)
    # DATABASE_URL="" (set but empty, as a CI matrix or a compose file leaves it) means SQLite, not a bad URL
    assert envstr("X_STR", "sqlite:///default") == "sqlite:///default"
    assert envbool("X_BOOL", True) is True
    assert envint("X_INT", 4) == 4


def test_a_value_is_used_trimmed_and_a_bad_one_names_the_variable(monkeypatch):
    monkeypatch.setenv("X_STR", " postgres://postgres@127.0.0.1:5432/test ")
    assert envstr("X_STR", "d") == "postgres://postgres@127.0.0.1:5432/test"
    monkeypatch.setenv("X_INT", "four")
    with pytest.raises(ConfigError, match="X_INT='four'"):
        envint("X_INT", 4)


def _database_options(**env: str) -> dict:
    """DATABASES['default']['OPTIONS'] as settings.py builds them from `env` (in a fresh interpreter)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json; from conduct.config import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_postgresql_prepares_statements_unless_turned_off(tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/conduct"
    home = str(tmp_path)
    on = _database_options(DATABASE_URL=url, CONDUCT_HOME=home)
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    off = _database_options(DATABASE_URL=url, CONDUCT_HOME=home, DATABASE_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    sqlite = _database_options(DATABASE_URL="", CONDUCT_HOME=home)
    assert sqlite["transaction_mode"] == "IMMEDIATE" and "server_side_binding" not in sqlite


def _run(code: str, tmp_path, **env: str):
    import os
    import subprocess
    import sys

    environ = {**os.environ, "CONDUCT_HOME": str(tmp_path), **env}
    environ.pop("DJANGO_SETTINGS_MODULE", None)  # the test settings would hide the production checks
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)


@pytest.mark.parametrize(
    "value",
    [
        "not-hex!",  # not hex at all
        "ab" * 31,  # hex, too short
        "ab" * 33,  # hex, too long
        "q2FzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmFzZGZhc2Q=",  # base64, not a fingerprint
    ],
)
def test_a_malformed_ledger_trusted_keys_stops_cli_verbs_and_the_server_with_one_line(tmp_path, value):
    for code in (
        "from conduct.cli import main; main(['audit', 'verify'])",
        "from conduct.cli import main; main(['serve'])",
        "import conduct.config.wsgi",  # what gunicorn's workers load
    ):
        result = _run(code, tmp_path, LEDGER_TRUSTED_KEYS=f"{'cd' * 32},{value}")
        assert result.returncode == 2, (code, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
        assert result.stderr.startswith("conduct: configuration error: LEDGER_TRUSTED_KEYS")
        assert value in result.stderr and "Traceback" not in result.stderr


def test_a_malformed_ledger_trusted_keys_speaks_the_clis_language(tmp_path):
    code = "from conduct.cli import main; main(['audit', 'verify'])"
    chinese = _run(code, tmp_path, LEDGER_TRUSTED_KEYS="not-hex!", CONDUCT_LANGUAGE="zh-hans")
    assert chinese.returncode == 2
    assert chinese.stderr.startswith(
        "conduct：配置错误：LEDGER_TRUSTED_KEYS：'not-hex!' 不是 sha256 指纹（64 位十六进制数字）；"
    ), chinese.stderr
    english = _run(code, tmp_path, LEDGER_TRUSTED_KEYS="not-hex!", CONDUCT_LANGUAGE="en")
    assert english.stderr == (
        "conduct: configuration error: LEDGER_TRUSTED_KEYS: 'not-hex!' is not a sha256 fingerprint (64 hex "
        "digits); `conduct audit export --public-key-out` and the ledger page show the key's fingerprint\n"
    )


def test_another_unusable_setting_is_one_line_too(tmp_path):
    result = _run(
        "from conduct.cli import main; main(['audit', 'verify'])", tmp_path, LOGIN_SPRAY_LIMIT="many"
    )
    assert result.returncode == 2
    assert (
        result.stderr == "conduct: configuration error: LOGIN_SPRAY_LIMIT='many': expected a whole number\n"
    )


def test_a_misspelt_role_in_mfa_required_roles_stops_the_cli_with_one_line(tmp_path):
    result = _run(
        "from conduct.cli import main; main(['audit', 'verify'])", tmp_path, MFA_REQUIRED_ROLES="admin,oficer"
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "MFA_REQUIRED_ROLES: oficer is not a role" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
