"""conduct workforce remind [--json]

Send the scheduled reminders due today, at once: people who have not acknowledged an open attestation
campaign's policy version, and people without a valid completion of an assigned course, at the cadence of
settings.WORKFORCE's ATTESTATION_REMINDER_DAYS and TRAINING_REMINDER_DAYS. Idempotent (once per person,
campaign or assignment, due date and step). Prints the counts; `--json`: {"attestations", "training",
"people"}.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.workforce import services
from conduct.apps.workforce.management._cli import dumps, fail


class Command(ConductCommand):
    help = gettext_noop("Send the attestation and training reminders due today (idempotent).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            run = services.reminders_send(actor=CLI)
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            self.stdout.write(dumps(run.as_json()))
            return
        self.stdout.write(
            _("Reminders sent: %(a)d attestation, %(t)d training, to %(p)d people.")
            % {"a": run.attestations, "t": run.training, "p": run.people}
        )
