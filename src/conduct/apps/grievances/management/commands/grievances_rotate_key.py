"""conduct grievances rotate-key — a new sealing key, and every stored grievance text and file re-sealed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.grievances.crypto import KeyMissing
from conduct.apps.grievances.services import grievance_keys_rotate


class Command(ConductCommand):
    help = gettext_noop(
        "Rotate the grievance encryption key: re-seal every stored text and file with a new key."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            key_id, count = grievance_keys_rotate(actor=CLI)
        except (ServiceError, KeyMissing, ValueError, OSError) as exc:
            raise CommandError(_("could not rotate the grievance key: %(exc)s") % {"exc": exc}) from None
        self.stdout.write(
            _(
                "New grievance key %(key_id)s; %(count)s values re-sealed. The old key files in "
                "the key directory may be removed once a backup holds the new one."
            )
            % {"key_id": key_id, "count": count}
        )
