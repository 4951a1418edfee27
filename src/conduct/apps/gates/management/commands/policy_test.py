"""conduct policy test DIR — run a pack's example subjects against their expected outcomes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.gates.pack import load
from conduct.core.policy import PolicyError, run_examples


class Command(ConductCommand):
    help = gettext_noop("Run a policy pack's examples (unit tests for policy authors). Exits 1 if any fails.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)
        parser.add_argument("--verbose-pass", action="store_true", help=_("List passing examples too"))

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["dir"].exists():
            self.stderr.write(_("%(dir)s: no such file or folder") % {"dir": opts["dir"]})
            sys.exit(2)
        try:
            pack = load(opts["dir"])
        except PolicyError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            sys.exit(2)
        results = run_examples(pack)
        failed = [r for r in results if not r.passed]
        for result in results:
            if not result.passed or opts["verbose_pass"]:
                self.stdout.write(str(result))
        self.stdout.write(
            _("%(value)s passed, %(count)s failed")
            % {"value": len(results) - len(failed), "count": len(failed)}
        )
        if failed:
            sys.exit(1)
