"""conduct devices import FILE (CSV serial,model,firmware,customer,site,installer), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.management._cli import dumps, fail
from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Import devices from a CSV; any row error refuses the whole file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            text = Path(opts["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{opts['file']}: {getattr(exc, 'strerror', None) or exc}") from None
        try:
            devices = services.devices_import(actor=CLI, text=text)
        except ServiceError as exc:
            raise fail(exc) from None
        serials = [d.serial for d in devices]
        self.stdout.write(
            dumps({"created": len(serials), "serials": serials})
            if opts["json"]
            else _("%(count)s device(s) imported") % {"count": len(serials)}
        )
