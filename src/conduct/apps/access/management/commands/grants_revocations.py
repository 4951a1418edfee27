"""conduct grants revocations [--out FILE] — the latest signed revocation list (the token devices verify)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import selectors
from conduct.apps.access.management._cli import fail
from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Write or print the latest signed, versioned revocation list.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help=_("Write the signed list here (default: standard output)"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            latest = selectors.revocations_current(actor=CLI)
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["out"]:
            Path(opts["out"]).write_text(latest.token + "\n", encoding="ascii")
            self.stderr.write(
                _("revocation list version %(version)s (%(count)s revoked) -> %(out)s")
                % {"version": latest.version, "count": len(latest.revoked), "out": opts["out"]}
            )
        else:
            self.stdout.write(latest.token)
