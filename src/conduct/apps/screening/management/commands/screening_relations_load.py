"""conduct screening relations load FILE [--format ftm|csv] [--source S]

Loads ownership, control and directorship relations: FtM / OpenSanctions JSON lines (Ownership and
Directorship entities) or a CSV `owner_id,owned_id,share,relation,source`. All or nothing. Exit codes: 0
loaded, 1 the file is malformed (nothing stored), 2 bad usage.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.screening.services.relations import RELATION_FORMATS, relations_load

MALFORMED = 1


class Command(ConductCommand):
    help = gettext_noop(
        "Load ownership and control relations (FtM JSON lines or CSV) for the OFAC 50 % rule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("The relations file"))
        parser.add_argument(
            "--format", choices=RELATION_FORMATS, help=_("ftm or csv (default: by extension)")
        )
        parser.add_argument("--source", default="", help=_("Source name for rows that give none"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            loaded = relations_load(
                actor=CLI, path=opts["path"], format=opts["format"], source=opts["source"]
            )
        except ServiceError as exc:
            where = "; ".join(f"{field}: {why}" for field, why in exc.fields.items())
            self.stderr.write(
                _("error: %(message)s%(value)s")
                % {"message": exc.message, "value": " " + where if where else ""}
            )
            sys.exit(MALFORMED)
        self.stdout.write(
            _(
                "Loaded relations from %(source_names)s: %(created)s new, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "source_names": ", ".join(loaded.source_names),
                "created": loaded.created,
                "updated": loaded.updated,
                "unchanged": loaded.unchanged,
            }
        )
