"""conduct workforce sites [--json] [--as USER]

The company's own sites (code, name, kind, org unit, country, headcount, liaison); `--json`: a list of
objects, each with `code`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.workforce import selectors
from conduct.apps.workforce.management._cli import actor_for, dumps, fail


class Command(ConductCommand):
    help = gettext_noop("List the company's own sites.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as", dest="as_user", help=_("Read as this user (default: the operator, 'cli')")
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            sites = list(selectors.site_list(actor=actor_for(opts["as_user"])))  # type: ignore[arg-type]
        except ServiceError as exc:
            raise fail(exc) from None
        rows = [
            {
                "code": s.code,
                "name": s.name,
                "kind": s.kind,
                "org_unit": s.org_unit.code,
                "country": s.country,
                "headcount": s.headcount,
                "liaison": s.liaison.username if s.liaison else None,
            }
            for s in sites
        ]
        if opts["json"]:
            self.stdout.write(dumps(rows))
            return
        for r in rows:
            self.stdout.write(
                f"{r['code']:<16} {r['kind']:<10} {r['org_unit']:<16} {r['country']} "
                f"{r['headcount']:>7}  {r['name']}"
            )
        if not rows:
            self.stdout.write(_("No own sites."))
