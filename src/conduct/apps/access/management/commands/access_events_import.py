"""conduct access events import FILE.jsonl [--json]

Each line: {"device", "grant_id" (or null), "actor", "scope", "started_at", "ended_at"}. All or nothing: any
bad line refuses the file with one line naming every problem (exit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.management._cli import actor_for, dumps, fail
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Import and reconcile access events; unauthorised ones open incident cases.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--as", dest="as_user", help=_("Record as this user (default: the operator, 'cli')")
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            text = Path(opts["file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{opts['file']}: {getattr(exc, 'strerror', None) or exc}") from None
        try:
            result = services.access_events_record(
                actor=actor_for(opts["as_user"]), rows=services.events_parse_jsonl(text)
            )
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            self.stdout.write(dumps(result.as_json()))
        else:
            self.stdout.write(
                _("%(authorised)s authorised, %(unauthorised)s unauthorised")
                % {"authorised": result.authorised, "unauthorised": result.unauthorised}
                + (
                    _(" (incident cases %(map)s)") % {"map": ", ".join(map(str, result.incidents))}
                    if result.incidents
                    else ""
                )
            )
