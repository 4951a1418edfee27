"""conduct vulns load PATH...: CVE JSON 5 records (a file or a folder of them), OSV records, the KEV
catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import ServiceError
from conduct.apps.products import services
from conduct.apps.products.management._cli import dumps, fail, read_text


def documents(paths: list[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not files:
                raise CommandError(_("%(name)s: no .json files in this folder") % {"name": name})
            found.extend((str(p), read_text(str(p))) for p in files)
        else:
            found.append((str(path), read_text(str(path))))
    return found


class Command(BaseCommand):
    help = "Load vulnerability records; reloading updates them. Any unreadable file refuses the whole load."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = services.vulns_load(actor=CLI, documents=documents(opts["paths"]))
        except ServiceError as exc:
            raise fail(exc) from None
        data = result.as_dict()
        self.stdout.write(
            dumps(data)
            if opts["json"]
            else _("%(created)s created, %(updated)s updated, %(kev_flagged)s KEV entries")
            % {"created": result.created, "updated": result.updated, "kev_flagged": result.kev_flagged}
        )
