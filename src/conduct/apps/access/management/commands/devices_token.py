"""conduct devices token SERIAL — issue a new API token for a device (shown once; the old one stops)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.models import Device
from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop("Issue a device's token for POST /api/v1/access-events.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial")

    def handle(self, *args: Any, **opts: Any) -> None:
        device = Device.objects.filter(serial=opts["serial"]).first()
        if device is None:
            raise CommandError(_("No device %(serial)s.") % {"serial": opts["serial"]})
        self.stdout.write(services.device_token_issue(actor=CLI, device=device))
