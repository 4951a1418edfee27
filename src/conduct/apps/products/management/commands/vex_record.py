"""conduct vex record MODEL VERSION CVE STATE [--justification J] [--detail T] --as USER."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI, Actor
from conduct.apps.accounts.models import User
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products import selectors, services
from conduct.apps.products.management._cli import fail


def actor_for(username: str | None) -> Actor:
    if not username:
        return CLI
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--as %(username)s: no such active user") % {"username": username})
    return user


class Command(ConductCommand):
    help = gettext_noop(
        "Record the VEX analysis of a CVE for a release (affected, not_affected, fixed, under_investigation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model")
        parser.add_argument("version")
        parser.add_argument("cve")
        parser.add_argument("state")
        parser.add_argument("--justification", default="")
        parser.add_argument("--detail", default="")
        parser.add_argument(
            "--as", dest="as_user", default=None, help=_("the product-security user recording it")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = actor_for(opts["as_user"])
        try:
            release = selectors.release_by_version(actor=actor, model=opts["model"], version=opts["version"])
            statement = services.vex_record(
                actor=actor,
                release=release,
                cve=opts["cve"],
                state=opts["state"],
                justification=opts["justification"],
                detail=opts["detail"],
            )
        except ServiceError as exc:
            raise fail(exc) from None
        self.stdout.write(f"{statement.cve}: {statement.state}")
