"""conduct tokens revoke PREFIX — revoke a token by the prefix shown in lists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import services
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import ApiToken
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Revoke an API token by its prefix (the 8 characters after cdt_).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix")

    def handle(self, *args: Any, **opts: Any) -> None:
        prefix = opts["prefix"].removeprefix("cdt_").split("_")[0]
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(_("No token with prefix %(prefix)s") % {"prefix": repr(prefix)})
        try:
            services.token_revoke(actor=CLI, token=token)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            _("Revoked %(prefix)s (%(username)s).")
            % {"prefix": token.prefix, "username": token.user.username}
        )
