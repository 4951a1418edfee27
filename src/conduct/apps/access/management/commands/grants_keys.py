"""conduct grants keys — print the public key (PEM) devices must trust to verify grants; nothing else."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from conduct.apps.access.keys import grant_public_key
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop("Print the grant-signing public key (PEM) for devices.")
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(grant_public_key().decode("ascii"), ending="")
