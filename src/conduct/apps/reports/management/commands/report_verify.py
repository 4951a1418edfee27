"""conduct report verify DIR [--public-key KEY] — check a published report without the system.

Recomputes every file's sha256 against the signed manifest, checks the manifest's Ed25519 signature (with the
key in DIR, or the one given with --public-key) and the ledger checkpoint it carries. Uses no database.
Exits 0 when everything verifies, 1 naming the first file or check that fails, 2 on unusable arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.reports.transparency.manifest import verify_report_dir


class Command(ConductCommand):
    help = gettext_noop(
        "Verify a published transparency report folder (hashes, signature, ledger checkpoint)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)
        parser.add_argument("--public-key", type=Path, default=None, help=_("PEM public key to pin"))

    def handle(self, *args: Any, **opts: Any) -> None:
        directory: Path = opts["dir"]
        if not directory.is_dir():
            self.stderr.write(_("%(directory)s: no such folder") % {"directory": directory})
            sys.exit(2)
        pinned = None
        if opts["public_key"] is not None:
            if not opts["public_key"].is_file():
                self.stderr.write(
                    _("--public-key %(public_key)s: no such file") % {"public_key": opts["public_key"]}
                )
                sys.exit(2)
            pinned = opts["public_key"].read_bytes()
        result = verify_report_dir(directory, public_pem=pinned)
        if result.ok:
            self.stdout.write(result.message)
            return
        self.stderr.write(_("FAILED %(message)s") % {"message": result.message})
        sys.exit(1)
