"""Backups are readable by their owner only, and --without-keys leaves the secrets out."""

from __future__ import annotations

import sqlite3
import stat
import tarfile

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def home(tmp_path, settings, monkeypatch):
    """A throwaway CONDUCT_HOME with its own SQLite file, a secret key and the ledger's key pair."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("backup and restore are for the embedded SQLite database")
    db = tmp_path / "conduct.sqlite3"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE audit_ledgerentry (seq INTEGER)")
    con.execute("INSERT INTO audit_ledgerentry VALUES (1)")
    con.commit()
    con.close()
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "ledger_ed25519.pem").write_text("PRIVATE")
    (tmp_path / "keys" / "ledger_ed25519.pub.pem").write_text("PUBLIC")
    (tmp_path / "secret_key").write_text("S" * 50)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "cert.pdf").write_bytes(b"%PDF-1.4")
    settings.CONDUCT_HOME = tmp_path
    settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"], "NAME": str(db)}}
    monkeypatch.setattr("django.db.connection.close", lambda: None)
    return tmp_path


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_written_0600_in_a_0700_folder(home):
    call_command("backup")
    folder = home / "backups"
    (archive,) = folder.iterdir()
    assert _mode(folder) == 0o700
    assert _mode(archive) == 0o600


def test_an_existing_world_readable_backup_folder_is_closed(home):
    (home / "backups").mkdir(mode=0o755)
    call_command("backup")
    assert _mode(home / "backups") == 0o700


def test_a_backup_with_keys_holds_the_secret_key_and_the_signing_key(home, tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "with.tar.gz"
    call_command("backup", out=out)
    assert _mode(out) == 0o600
    with tarfile.open(out) as tar:
        names = set(tar.getnames())
    assert {"home/secret_key", "home/keys/ledger_ed25519.pem", "home/keys/ledger_ed25519.pub.pem"} <= names


def test_without_keys_leaves_out_the_secret_key_and_the_private_signing_key(home, tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "without.tar.gz"
    call_command("backup", out=out, without_keys=True)
    with tarfile.open(out) as tar:
        names = set(tar.getnames())
    assert "home/secret_key" not in names
    assert "home/keys/ledger_ed25519.pem" not in names
    assert {
        "manifest.json",
        "conduct.sqlite3",
        "home/files/cert.pdf",
        "home/keys/ledger_ed25519.pub.pem",
    } <= names


def test_restoring_a_backup_without_keys_keeps_the_keys_in_place(home, tmp_path_factory, capsys):
    out = tmp_path_factory.mktemp("b") / "without.tar.gz"
    call_command("backup", out=out, without_keys=True)
    call_command("restore", str(out), force=True)
    assert (home / "keys" / "ledger_ed25519.pem").read_text() == "PRIVATE"
    assert (home / "secret_key").exists()


def test_restoring_a_backup_without_keys_on_a_bare_home_says_what_to_put_back(home, tmp_path_factory, capsys):
    out = tmp_path_factory.mktemp("b") / "without.tar.gz"
    call_command("backup", out=out, without_keys=True)
    (home / "keys" / "ledger_ed25519.pem").unlink()
    (home / "secret_key").unlink()
    call_command("restore", str(out), force=True)
    said = capsys.readouterr().out
    assert "put back" in said and "ledger_ed25519.pem" in said and "secret_key" in said
