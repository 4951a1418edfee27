"""conduct frameworks load [--path DIR] — validate the framework library and record its version (ledgered).

Every problem is printed as FILE:LINE: message and the command exits 1; nothing is recorded then.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.catalog.services import library_record
from conduct.apps.commandkit import ConductCommand
from conduct.core.catalog import CatalogError


class Command(ConductCommand):
    help = gettext_noop(
        "Validate the framework library (file and line for every problem) and record its version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=None, help=_("Library folder (default: data/frameworks)")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            loaded = library_record(actor=SYSTEM, path=opts["path"])
        except CatalogError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            self.stderr.write(
                _("%(count)s problem(s); the framework library is not valid.") % {"count": len(exc.problems)}
            )
            sys.exit(1)
        lib = loaded.library
        state = "recorded" if loaded.created else "already recorded"
        self.stdout.write(
            _(
                "OK: %(count)s frameworks, %(count2)s requirements, %(count3)s mappings; version "
                "%(version)s (%(state)s)."
            )
            % {
                "count": len(lib.frameworks),
                "count2": len(lib.requirements),
                "count3": len(lib.mappings),
                "version": lib.version,
                "state": state,
            }
        )
