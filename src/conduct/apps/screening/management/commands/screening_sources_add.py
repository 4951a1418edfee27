"""conduct screening sources add NAME URL --format F --kind K [--every HOURS] [--max-bytes N] [--json]"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.screening.schemas_more import source_dict
from conduct.apps.screening.services.sources import source_add
from conduct.core.screening import FORMATS, LIST_KINDS


class Command(ConductCommand):
    help = gettext_noop("Configure a watch-list source (a URL or a path) the worker fetches on schedule.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=_("The list it loads into"))
        parser.add_argument("url", help=_("http(s) URL, or a path on this server"))
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--kind", required=True, choices=LIST_KINDS)
        parser.add_argument("--every", type=int, default=24, help=_("Hours between fetches (default 24)"))
        parser.add_argument("--max-bytes", type=int, default=None, help=_("Largest file accepted"))
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            source = source_add(
                actor=CLI,
                name=opts["name"],
                url=opts["url"],
                format=opts["format"],
                kind=opts["kind"],
                interval_hours=opts["every"],
                max_bytes=opts["max_bytes"],
            )
        except ServiceError as exc:
            where = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            self.stderr.write(f"error: {exc.message} {where}".strip())
            sys.exit(2)
        if opts["json"]:
            self.stdout.write(json.dumps(source_dict(source), indent=2, default=str))
        else:
            self.stdout.write(
                _("Added source %(name)s: %(url)s every %(interval_hours)sh.")
                % {"name": source.name, "url": source.url, "interval_hours": source.interval_hours}
            )
