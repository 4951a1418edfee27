"""conduct screening sources list [--json] — the configured list sources and how their fetches went."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.screening.models import ListSource
from conduct.apps.screening.schemas_more import source_dict


class Command(ConductCommand):
    help = gettext_noop("List the watch-list sources the worker fetches on schedule.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = [source_dict(s) for s in ListSource.objects.order_by("name")]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, indent=2, default=str))
            return
        for row in rows:
            state = (
                f"failing: {row['last_error']}"
                if row["last_error"]
                else f"ok, version {row['last_good_version']}"
            )
            self.stdout.write(
                _("%(name)s every %(interval_hours)sh %(format)s %(url)s  last fetched %(value)s; %(state)s")
                % {
                    "name": format(row["name"], "<20"),
                    "interval_hours": row["interval_hours"],
                    "format": format(row["format"], "<15"),
                    "url": row["url"],
                    "value": row["last_fetched_at"] or "never",
                    "state": state,
                }
            )
