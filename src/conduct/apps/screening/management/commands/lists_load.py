"""conduct lists load PATH [--format F] [--name NAME] [--kind KIND] [--title T] [--source S]

Loads a watch-list file (or an OFAC folder) as the next version of a list. Exit codes: 0 loaded (or already
current), 1 the file is malformed (nothing changed: the previous version stays in force), 2 bad usage.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.screening.services import Loaded, list_load
from conduct.core.screening import FORMATS, LIST_KINDS
from conduct.progress import progress_bar

MALFORMED = 1
USAGE = 2


class Command(ConductCommand):
    help = gettext_noop(
        "Load a watch list (OFAC SDN / non-SDN, UN XML, BIS DPL, US CSL, FtM JSON lines, generic CSV)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("The list file, or the folder holding OFAC's CSV files"))
        parser.add_argument(
            "--format", choices=sorted(FORMATS), help=_("Skip detection (needed only when ambiguous)")
        )
        parser.add_argument(
            "--name", help=_("The list's short name (default: the format, or the file's name)")
        )
        parser.add_argument(
            "--kind", choices=LIST_KINDS, help=_("sanctions, export_control, forced_labour, ...")
        )
        parser.add_argument("--title", help=_("A human title for a new list"))
        parser.add_argument("--source", default="", help=_("Where the file came from (kept with the list)"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            with progress_bar(_("Loading %(path)s") % {"path": opts["path"]}) as bar:
                loaded = list_load(
                    actor=CLI,
                    path=opts["path"],
                    name=opts["name"],
                    format=opts["format"],
                    kind=opts["kind"],
                    title=opts["title"],
                    source=opts["source"],
                    progress=bar.stage,
                )
        except ServiceError as exc:
            self._fail(exc)
        self._report(loaded)

    def _fail(self, exc: ServiceError) -> NoReturn:
        """The service's refusal on stderr, then exit 1 (a malformed file) or 2."""
        self.stderr.write(_("error: %(message)s") % {"message": exc.message})
        for field, why in exc.fields.items():
            if field not in ("file", "line"):
                self.stderr.write(f"  {field}: {why}")
        if exc.code == "malformed_list":
            self.stderr.write(
                _("Nothing was loaded: the list's current version, if it has one, stays in force.")
            )
            sys.exit(MALFORMED)
        sys.exit(USAGE)

    def _report(self, loaded: Loaded) -> None:
        """What was loaded (or that the file is the current version already), with the diff and notes."""
        version = loaded.version
        if not loaded.created:
            self.stdout.write(
                _(
                    "%(name)s: the file is version %(number)s's already (sha256 %(file_sha256)s…); "
                    "nothing loaded."
                )
                % {
                    "name": loaded.watch_list.name,
                    "number": version.number,
                    "file_sha256": version.file_sha256[:12],
                }
            )
            return
        diff = (
            _("first version")
            if version.previous_id is None
            else _("+%(added)s added, -%(removed)s removed, ~%(changed)s changed, %(unchanged)s unchanged")
            % {
                "added": version.added_count,
                "removed": version.removed_count,
                "changed": version.changed_count,
                "unchanged": version.unchanged_count,
            }
        )
        self.stdout.write(
            _(
                "Loaded %(name)s version %(number)s (%(format)s, %(kind)s): %(entry_count)s "
                "entries, %(name_count)s names; %(diff)s."
            )
            % {
                "name": loaded.watch_list.name,
                "number": version.number,
                "format": loaded.watch_list.format,
                "kind": version.kind,
                "entry_count": version.entry_count,
                "name_count": version.name_count,
                "diff": diff,
            }
        )
        for note in version.notes:
            self.stdout.write(_("  note: %(note)s") % {"note": note})
        self.stdout.write(
            _("Stored parties are screened against what changed in the background (conduct worker).")
        )
