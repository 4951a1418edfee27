"""conduct training import FILE [--json] [--as USER]

FILE: a learning system's CSV export, columns course,username,completed_on. All or nothing: any bad row
refuses the file with one line naming every problem by row and column (exit 1). `--json`:
{"imported": N, "courses": [...]}.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.workforce import services
from conduct.apps.workforce.management._cli import actor_for, dumps, fail


class Command(ConductCommand):
    help = gettext_noop("Import training completions from a CSV export.")

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
            made = services.training_import(actor=actor_for(opts["as_user"]), text=text)
        except ServiceError as exc:
            raise fail(exc) from None
        courses = sorted({c.course.code for c in made})
        if opts["json"]:
            self.stdout.write(dumps({"imported": len(made), "courses": courses}))
        else:
            self.stdout.write(
                _("%(count)s completion(s) imported (%(courses)s)")
                % {"count": len(made), "courses": ", ".join(courses)}
            )
