"""conduct screening sources list [--json] — the configured list sources and how their fetches went."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from conduct.apps.screening.models import ListSource
from conduct.apps.screening.schemas_more import source_dict


class Command(BaseCommand):
    help = "List the watch-list sources the worker fetches on schedule."

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
                f"{row['name']:<20} every {row['interval_hours']}h {row['format']:<15} {row['url']}  "
                f"last fetched {row['last_fetched_at'] or 'never'}; {state}"
            )
