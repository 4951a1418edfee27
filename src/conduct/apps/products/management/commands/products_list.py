"""conduct products list [--json]: every product with its releases."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.products import selectors
from conduct.apps.products.management._cli import dumps


class Command(ConductCommand):
    help = gettext_noop("List the products and their releases.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = []
        for product in selectors.product_list(actor=CLI).prefetch_related("releases"):
            rows.append(
                {
                    "model": product.model,
                    "name": product.name,
                    "type": product.type,
                    "business_unit": product.business_unit.code,
                    "capabilities": product.capabilities,
                    "releases": [
                        {"version": r.version, "status": r.status, "support_end": r.support_end}
                        for r in product.releases.all()
                    ],
                }
            )
        if opts["json"]:
            self.stdout.write(dumps({"products": rows}))
            return
        for row in rows:
            versions = ", ".join(f"{r['version']} ({r['status']})" for r in row["releases"]) or "-"
            self.stdout.write(
                f"{row['model']}\t{row['name']}\t{row['type']}\t{row['business_unit']}\t{versions}"
            )
