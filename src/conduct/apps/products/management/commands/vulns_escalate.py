"""conduct vulns escalate [--json]: escalate vulnerability reports whose deadlines slipped (what the worker
runs every hour), synchronously."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products.management._cli import dumps, fail
from conduct.apps.products.services.disclosure_triage import vulnreports_escalate_overdue
from conduct.apps.products.tasks import forget_client_keys


class Command(ConductCommand):
    help = gettext_noop(
        "Escalate each slipped deadline of a vulnerability report once (acknowledge, update, fix/advisory)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            made = vulnreports_escalate_overdue(actor=CLI)
        except ServiceError as exc:
            raise fail(exc) from None
        forget_client_keys()
        if opts["json"]:
            self.stdout.write(dumps({"escalated": [{"reference": r, "deadline": d} for r, d in made]}))
            return
        for reference, deadline in made:
            self.stdout.write(f"{reference}\t{deadline}")
        self.stdout.write(_("%(count)s escalation(s)") % {"count": len(made)})
