"""conduct users mfa-reset NAME — remove every second factor of a user who lost theirs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import mfa, selectors
from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop(
        "Remove every second factor (authenticator app, security keys, recovery codes) of a user who lost "
        "theirs; they enrol again at their next sign-in. Ledgered as mfa.reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("the user's name"))

    def handle(self, *args: Any, **opts: Any) -> None:
        user = selectors.user_by_ref(opts["username"])
        if user is None:
            raise CommandError(_("No user %(username)s.") % {"username": repr(opts["username"])})
        try:
            removed = mfa.mfa_reset(actor=CLI, user=user)
        except ServiceError as exc:
            raise CommandError(exc.one_line()) from None
        self.stdout.write(
            _("Removed %(count)s second factor(s) of %(username)s.")
            % {"count": removed, "username": user.username}
        )
