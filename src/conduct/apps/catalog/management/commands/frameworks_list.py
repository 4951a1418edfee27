"""conduct frameworks list [--json] — the frameworks in the library with their requirement counts."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.datafiles import framework_library


class Command(ConductCommand):
    help = gettext_noop("List the frameworks in the library.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        lib = framework_library()
        rows: list[dict[str, Any]] = [
            {
                "slug": f.slug,
                "short_name": f.short_name,
                "kind": f.kind.value,
                "requirements": len(f.requirements),
                "confidence": f.confidence.value,
                "reviewed": f.reviewed.isoformat(),
            }
            for f in lib.frameworks
        ]
        if opts["json"]:
            self.stdout.write(json.dumps({"version": lib.version, "frameworks": rows}, indent=2))
            return
        width = max(len(r["slug"]) for r in rows)
        for r in rows:
            self.stdout.write(
                f"{r['slug']:<{width}}  {r['kind']:<9} {r['requirements']:>4}  {r['short_name']}"
            )
        self.stdout.write(
            _("%(count)s frameworks, %(count2)s requirements; version %(version)s")
            % {"count": len(rows), "count2": len(lib.requirements), "version": lib.version[:12]}
        )
