"""conduct frameworks export SLUG [--out FILE] — a framework as an OSCAL 1.1 catalog (JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.core.catalog import to_oscal_catalog
from conduct.datafiles import framework_library


class Command(ConductCommand):
    help = gettext_noop("Export a framework as an OSCAL catalog.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        lib = framework_library()
        try:
            framework = lib.framework(opts["slug"])
        except KeyError as exc:
            self.stderr.write(str(exc.args[0]))
            sys.exit(1)
        text = json.dumps(to_oscal_catalog(framework, lib.mappings), indent=2, ensure_ascii=False)
        if opts["out"]:
            opts["out"].write_text(text + "\n", encoding="utf-8")
            self.stdout.write(_("Wrote %(out)s") % {"out": opts["out"]})
        else:
            self.stdout.write(text)
