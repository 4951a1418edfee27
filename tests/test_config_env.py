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
