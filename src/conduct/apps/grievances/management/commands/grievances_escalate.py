"""conduct grievances escalate — escalate reports past their deadlines now (the daily task does it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.grievances.services import grievances_escalate_overdue


class Command(ConductCommand):
    help = gettext_noop(
        "Escalate grievances past their acknowledgement or feedback deadline to the grievance officers."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            made = grievances_escalate_overdue(actor=CLI)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(_("%(count)s deadline(s) escalated.") % {"count": len(made)})
