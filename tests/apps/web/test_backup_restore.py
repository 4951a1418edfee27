"""conduct backup / restore round-trip the embedded database and CONDUCT_HOME's keys, and refuse bad input."""

from __future__ import annotations

import sqlite3
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _make_db(path, rows):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE audit_ledgerentry (seq INTEGER)")
    con.executemany("INSERT INTO audit_ledgerentry VALUES (?)", [(i,) for i in range(rows)])
    con.commit()
    con.close()


@pytest.fixture
def home(tmp_path, settings, monkeypatch):
    """A throwaway CONDUCT_HOME with its own SQLite file, so the test database is never touched."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("backup and restore are for the embedded SQLite database")
    db = tmp_path / "conduct.sqlite3"
    _make_db(db, 3)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "ledger_ed25519.pem").write_text("KEY")
    settings.CONDUCT_HOME = tmp_path
    settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"], "NAME": str(db)}}
    monkeypatch.setattr("django.db.connection.close", lambda: None)
    return tmp_path


def test_a_backup_restores_the_database_and_keys(home, tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "backup.tar.gz"
    call_command("backup", out=out)
    with tarfile.open(out) as tar:
        assert {"manifest.json", "conduct.sqlite3", "home/keys/ledger_ed25519.pem"} <= set(tar.getnames())
    (home / "keys" / "ledger_ed25519.pem").write_text("CHANGED")
    _make_db(home / "other.sqlite3", 0)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(out))
    call_command("restore", str(out), force=True)
    assert (home / "keys" / "ledger_ed25519.pem").read_text() == "KEY"
    con = sqlite3.connect(home / "conduct.sqlite3")
    assert con.execute("SELECT count(*) FROM audit_ledgerentry").fetchone()[0] == 3
    con.close()


def test_restore_refuses_what_is_not_a_backup(home, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a Conduct backup archive"):
        call_command("restore", str(junk), force=True)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_restore_refuses_while_a_server_or_worker_runs_on_the_home(home, tmp_path_factory):
    from conduct.apps.web.running import hold_running_lock, release_running_lock, something_running

    out = tmp_path_factory.mktemp("b") / "backup.tar.gz"
    call_command("backup", out=out)
    assert not something_running(home)
    hold_running_lock(home)  # what `conduct serve` and `conduct worker` do for as long as they run
    try:
        assert something_running(home)
        with pytest.raises(CommandError, match="running on"):
            call_command("restore", str(out), force=True)
    finally:
        release_running_lock()
    assert not something_running(home)
    call_command("restore", str(out), force=True)
