"""conduct vulns rematch [--json]: re-match every released release now (what the background task does after a
load or an SBOM import) and alert on new KEV / CVSS >= 9.0 issues."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products.management._cli import dumps, fail
from conduct.apps.products.services.rematch import releases_rematch


class Command(ConductCommand):
    help = gettext_noop(
        "Re-match the released releases, record new findings and alert on new KEV / CVSS >= 9.0 issues."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            summary = releases_rematch(actor=CLI)
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            self.stdout.write(dumps(summary))
            return
        for line in summary["alerted"]:
            self.stdout.write(_("alert\t%(line)s") % {"line": line})
        self.stdout.write(
            _("%(releases)s release(s), %(new)s new finding(s)")
            % {"releases": summary["releases"], "new": summary["new"]}
        )
