"""conduct suppliers remind — send the certificate expiry reminders that are due (the daily job does it
too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from conduct.apps.suppliers.services import certificate_reminders_send


class Command(BaseCommand):
    help = "Send certificate expiry reminders to supplier contacts and owning liaisons (once per threshold)."

    def handle(self, *args: Any, **opts: Any) -> None:
        summary = certificate_reminders_send()
        self.stdout.write(
            _("Reminded about %(certificates)s certificate(s) in %(emails)s email(s).")
            % {"certificates": summary.certificates, "emails": summary.emails}
        )
