"""conduct tokens create USERNAME [--scope read|read-write] [--expires-days N] — prints the token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import services
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import TokenScope, User
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Create an API token for a user and print it once (it is stored only as a hash).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(_("No user named %(username)s") % {"username": repr(opts["username"])})
        try:
            token, secret = services.token_create(
                actor=CLI,
                user=user,
                name=opts["name"],
                scope=opts["scope"],
                expires_days=opts["expires_days"],
            )
        except ServiceError as exc:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message) from None
        self.stderr.write(
            _("Token %(prefix)s for %(username)s, %(scope)s, expires %(expires_at)s.")
            % {
                "prefix": token.prefix,
                "username": user.username,
                "scope": token.scope,
                "expires_at": format(token.expires_at, "%Y-%m-%d"),
            }
        )
        self.stderr.write(_("Store it now; it will not be shown again."))
        self.stdout.write(secret)
