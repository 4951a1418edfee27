"""conduct backup [--out FILE] — a consistent copy of the embedded database, uploaded files and keys."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from conduct import __version__

# What a backup holds besides the database, relative to CONDUCT_HOME.
HOME_ITEMS = ("files", "keys", "secret_key")


class Command(BaseCommand):
    help = "Back up the embedded SQLite database (online, consistent) with CONDUCT_HOME's files and keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None, help="Archive to write (.tar.gz)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "conduct backup copies the embedded SQLite database; with PostgreSQL use pg_dump / "
                "pg_restore "
                "and copy CONDUCT_HOME/files and CONDUCT_HOME/keys yourself."
            )
        home: Path = settings.CONDUCT_HOME
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out: Path = opts["out"] or home / "backups" / f"conduct-{stamp}.tar.gz"
        out.parent.mkdir(parents=True, exist_ok=True)
        db_path = Path(settings.DATABASES["default"]["NAME"])
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "conduct.sqlite3"
            # sqlite3's online backup API gives a consistent snapshot while the server keeps running.
            source = sqlite3.connect(db_path)
            target = sqlite3.connect(copy)
            with target:
                source.backup(target)
            source.close()
            target.close()
            manifest = {
                "format": "conduct-backup/1",
                "conduct_version": __version__,
                "created_at": stamp,
                "database": "conduct.sqlite3",
                "items": [item for item in HOME_ITEMS if (home / item).exists()],
            }
            with tarfile.open(out, "w:gz") as tar:
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
                tar.add(copy, arcname="conduct.sqlite3")
                for item in manifest["items"]:
                    tar.add(home / item, arcname=f"home/{item}")
        self.stdout.write(f"Backup written to {out}")
