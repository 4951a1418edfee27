"""conduct vulns load PATH...: CVE JSON 5 records (a file or a folder of them), OSV records, the KEV
catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products import services
from conduct.apps.products.management._cli import dumps, fail, read_text
from conduct.progress import QUIET, Bar, progress_bar


def documents(paths: list[str], bar: Bar = QUIET) -> list[tuple[str, str]]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                raise CommandError(_("%(name)s: no .json files in this folder") % {"name": name})
            files.extend(found)
        else:
            files.append(path)
    bar.set_total(len(files) + 1)  # each file, then storing them
    read: list[tuple[str, str]] = []
    for path in files:
        read.append((str(path), read_text(str(path))))
        bar.advance()
    return read


class Command(ConductCommand):
    help = gettext_noop(
        "Load vulnerability records; reloading updates them. Any unreadable file refuses the whole load."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        with progress_bar(_("Loading vulnerability records"), total=None, quiet=opts["json"]) as bar:
            bar.stage(_("reading the files"))
            docs = documents(opts["paths"], bar)
            bar.stage(_("storing the records"))
            try:
                result = services.vulns_load(actor=CLI, documents=docs)
            except ServiceError as exc:
                raise fail(exc) from None
            bar.advance()
        data = result.as_dict()
        self.stdout.write(
            dumps(data)
            if opts["json"]
            else _("%(created)s created, %(updated)s updated, %(kev_flagged)s KEV entries")
            % {"created": result.created, "updated": result.updated, "kev_flagged": result.kev_flagged}
        )
