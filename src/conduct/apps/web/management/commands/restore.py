"""conduct restore FILE [--force] — put back a backup made by `conduct backup`. Stop the server first."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.web.management.commands.backup import HOME_ITEMS, SECRET_ITEMS
from conduct.apps.web.running import something_running


class Command(ConductCommand):
    help = gettext_noop("Restore the embedded database and CONDUCT_HOME files from a backup archive.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help=_("Replace a database that already holds data")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                _("conduct restore is for the embedded SQLite database; with PostgreSQL use pg_restore.")
            )
        archive: Path = opts["archive"]
        if not archive.is_file():
            raise CommandError(_("%(archive)s: no such file") % {"archive": archive})
        home: Path = settings.CONDUCT_HOME
        db_path = Path(settings.DATABASES["default"]["NAME"])
        if something_running(home):
            raise CommandError(
                _(
                    "A Conduct server or worker is running on %(home)s; stop it first (it keeps the "
                    "database open and would go on writing to the file a restore replaces)."
                )
                % {"home": home}
            )
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            manifest, restored_db = _unpack(archive, tmp)
            if db_path.exists() and not opts["force"] and _has_data(db_path):
                raise CommandError(
                    _("%(db_path)s already holds data; pass --force to replace it") % {"db_path": db_path}
                )
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            shutil.copy2(restored_db, db_path)
            without_keys = bool(manifest.get("without_keys"))
            _put_back_home(tmp / "home", home, without_keys=without_keys)
        self.stdout.write(
            _("Restored %(archive)s (made %(created_at)s). Run `conduct audit verify` to check it.")
            % {"archive": archive, "created_at": manifest.get("created_at")}
        )
        if without_keys:
            missing = [item for item in SECRET_ITEMS if not (home / item).exists()]
            if missing:
                self.stdout.write(
                    _(
                        "The backup was made --without-keys: put back %(items)s from your safe copy "
                        "before starting Conduct (docs/operations.md)."
                    )
                    % {"items": ", ".join(str(home / item) for item in missing)}
                )


def _unpack(archive: Path, tmp: Path) -> tuple[dict[str, Any], Path]:
    """Extract `archive` into `tmp` and check it: its manifest and the path of its sound database."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CommandError(
            _("%(archive)s: not a Conduct backup archive (%(exc)s)") % {"archive": archive, "exc": exc}
        ) from None
    manifest_path = tmp / "manifest.json"
    if not manifest_path.is_file():
        raise CommandError(
            _("%(archive)s: no manifest.json; not made by conduct backup") % {"archive": archive}
        )
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("%(archive)s: manifest.json is not JSON (%(exc)s)") % {"archive": archive, "exc": exc}
        ) from None
    if manifest.get("format") != "conduct-backup/1":
        raise CommandError(
            _("%(archive)s: unknown backup format %(format)s")
            % {"archive": archive, "format": repr(manifest.get("format"))}
        )
    restored_db = tmp / manifest.get("database", "conduct.sqlite3")
    check = sqlite3.connect(restored_db)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise CommandError(
            _("%(archive)s: the database in the archive is damaged (%(exc)s)")
            % {"archive": archive, "exc": exc}
        ) from None
    finally:
        check.close()
    if ok != "ok":
        raise CommandError(
            _("%(archive)s: the database in the archive fails its integrity check: %(ok)s")
            % {"archive": archive, "ok": ok}
        )
    return manifest, restored_db


def _put_back_home(source_home: Path, home: Path, *, without_keys: bool) -> None:
    """Replace each CONDUCT_HOME item the archive holds (keeping the private key a keyless backup lacks)."""
    for item in HOME_ITEMS:
        source = source_home / item
        if not source.exists():
            continue
        target = home / item
        if without_keys and item == "keys" and target.is_dir():
            # The archive has no private key: keep the one in place, put back the rest.
            shutil.copytree(source, target, dirs_exist_ok=True)
            continue
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def _has_data(db_path: Path) -> bool:
    con = sqlite3.connect(db_path)
    try:
        row = con.execute("SELECT count(*) FROM sqlite_master WHERE name='audit_ledgerentry'").fetchone()
        if not row[0]:
            return False
        return bool(con.execute("SELECT count(*) FROM audit_ledgerentry").fetchone()[0])
    finally:
        con.close()
