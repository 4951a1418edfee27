"""conduct products import FILE (CSV model,name,type,business_unit,capabilities), all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products import services
from conduct.apps.products.management._cli import dumps, fail, read_text


class Command(ConductCommand):
    help = gettext_noop(
        "Import products from a CSV (capabilities ;-separated); any row error refuses the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        text = read_text(opts["file"])
        try:
            created = services.products_import(actor=CLI, text=text)
        except ServiceError as exc:
            raise fail(exc) from None
        models = [p.model for p in created]
        self.stdout.write(
            dumps({"created": len(models), "models": models})
            if opts["json"]
            else _("%(count)s product(s) imported") % {"count": len(models)}
        )
