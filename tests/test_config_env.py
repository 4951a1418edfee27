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
