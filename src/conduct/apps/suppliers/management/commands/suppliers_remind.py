"""conduct suppliers remind — send the certificate expiry reminders that are due (the daily job does it
too)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.suppliers.services import certificate_reminders_send


class Command(ConductCommand):
    help = gettext_noop(
        "Send certificate expiry reminders to supplier contacts and owning liaisons (once per threshold)."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        summary = certificate_reminders_send()
        self.stdout.write(
            _("Reminded about %(certificates)s certificate(s) in %(emails)s email(s).")
            % {"certificates": summary.certificates, "emails": summary.emails}
        )
