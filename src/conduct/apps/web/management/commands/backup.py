"""conduct backup [--out FILE] [--without-keys] — a consistent copy of the embedded database, uploaded
files and keys, readable by its owner only (0600 in a 0700 folder).

--without-keys leaves out the Django secret key and the ledger's private signing key: such an archive can be
kept where those secrets should not go, and restoring it needs them put back (docs/operations.md).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct import __version__
from conduct.apps.commandkit import ConductCommand

# What a backup holds besides the database, relative to CONDUCT_HOME.
HOME_ITEMS = ("files", "keys", "secret_key")
# The secrets --without-keys leaves out: the Django secret key and the ledger's private signing key.
SECRET_ITEMS = ("secret_key", "keys/ledger_ed25519.pem")


class Command(ConductCommand):
    help = gettext_noop(
        "Back up the embedded SQLite database (online, consistent) with CONDUCT_HOME's files and keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None, help=_("Archive to write (.tar.gz)"))
        parser.add_argument(
            "--without-keys",
            action="store_true",
            help=_(
                "Leave out the secret key and the ledger's private signing key (restoring needs them back)"
            ),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                _(
                    "conduct backup copies the embedded SQLite database; with PostgreSQL use pg_dump / "
                    "pg_restore "
                    "and copy CONDUCT_HOME/files and CONDUCT_HOME/keys yourself."
                )
            )
        home: Path = settings.CONDUCT_HOME
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out: Path = opts["out"] or home / "backups" / f"conduct-{stamp}.tar.gz"
        if not out.parent.exists():
            out.parent.mkdir(mode=0o700, parents=True)
        if out.parent == home / "backups":
            out.parent.chmod(0o700)
        without_keys = bool(opts["without_keys"])
        left_out = {home / item for item in SECRET_ITEMS} if without_keys else set()
        db_path = Path(settings.DATABASES["default"]["NAME"])
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "conduct.sqlite3"
            _snapshot(db_path, copy)
            items = [item for item in HOME_ITEMS if (home / item).exists() and home / item not in left_out]
            manifest = {
                "format": "conduct-backup/1",
                "conduct_version": __version__,
                "created_at": stamp,
                "database": "conduct.sqlite3",
                "items": items,
                "without_keys": without_keys,
            }
            _write_archive(out, manifest, copy, home, items, left_out)
        self.stdout.write(_("Backup written to %(out)s") % {"out": out})
        if without_keys:
            self.stdout.write(
                _(
                    "It holds neither the secret key nor the ledger's private signing key: keep "
                    "copies of %(secret_items)s from %(home)s somewhere safe; a restore needs them "
                    "put back."
                )
                % {"secret_items": ", ".join(SECRET_ITEMS), "home": home}
            )


def _snapshot(db_path: Path, copy: Path) -> None:
    """Copy the database at `db_path` to `copy`: sqlite3's online backup API gives a consistent snapshot
    while the server keeps running."""
    source = sqlite3.connect(db_path)
    target = sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close()
    target.close()


def _write_archive(
    out: Path, manifest: dict[str, Any], copy: Path, home: Path, items: list[str], left_out: set[Path]
) -> None:
    """The .tar.gz at `out`: the manifest, the database copy and CONDUCT_HOME's items less `left_out`."""
    # Created 0600 before anything is written into it, so the archive is never readable by others.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        tar.add(copy, arcname="conduct.sqlite3")
        for item in items:
            tar.add(
                home / item,
                arcname=f"home/{item}",
                filter=lambda info: None if home / info.name.removeprefix("home/") in left_out else info,
            )
