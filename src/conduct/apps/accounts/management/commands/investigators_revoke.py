"""conduct investigators revoke USERNAME: end an investigator's (or auditor's) access now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import investigators
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.management.commands.investigators_grant import one_line
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("End an investigator's or auditor's access now; every later request is refused.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            user = investigators.investigator_revoke(actor=CLI, username=opts["username"])
        except ServiceError as exc:
            raise CommandError(one_line(exc)) from None
        assert user.access_until is not None
        self.stdout.write(
            _("Revoked %(username)s: access ended %(access_until)s UTC.")
            % {"username": user.username, "access_until": format(user.access_until, "%Y-%m-%d %H:%M")}
        )
