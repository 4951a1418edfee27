"""conduct screening sources fetch [NAME] [--json] — fetch one source now, or every source that is due.
Exit codes: 0 every fetch was good (loaded or unchanged), 1 a fetch failed, 2 no such source."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.screening.models import ListSource
from conduct.apps.screening.services.sources import source_fetch, sources_fetch_due


class Command(ConductCommand):
    help = gettext_noop(
        "Fetch a list source now (or all that are due), loading a new version when the content changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help=_("The source (default: every source that is due)"))
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["name"]:
            source = ListSource.objects.filter(name=opts["name"]).first()
            if source is None:
                self.stderr.write(
                    _("error: no list source %(name)s (conduct screening sources list)")
                    % {"name": repr(opts["name"])}
                )
                sys.exit(2)
            results = [source_fetch(actor=CLI, source=source)]
        else:
            results = sources_fetch_due(actor=CLI)
        rows = [
            {"name": r.source.name, "status": r.status, "version": r.version, "error": r.error}
            for r in results
        ]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
        else:
            for row in rows:
                detail = row["error"] or (f"version {row['version']}" if row["version"] else "")
                self.stdout.write(f"{row['name']}: {row['status']} {detail}".rstrip())
        if any(r.status == "failed" for r in results):
            sys.exit(1)
