"""conduct policy validate DIR — load a pack and report every problem with file, line and rule id."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.gates.pack import load
from conduct.core.policy import PolicyError


class Command(ConductCommand):
    help = gettext_noop(
        "Validate a policy pack (YAML, CEL, gates, cited URNs against the framework library)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["dir"].exists():
            self.stderr.write(_("%(dir)s: no such file or folder") % {"dir": opts["dir"]})
            sys.exit(2)
        try:
            pack = load(opts["dir"])
        except PolicyError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            self.stderr.write(
                _("%(count)s problem(s); the pack is not valid.") % {"count": len(exc.problems)}
            )
            sys.exit(1)
        self.stdout.write(
            _("OK: %(count)s rules, %(count2)s examples, version %(version)s")
            % {"count": len(pack.rules), "count2": len(pack.examples), "version": pack.version}
        )
