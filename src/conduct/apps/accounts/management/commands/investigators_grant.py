"""conduct investigators grant USERNAME --until YYYY-MM-DD[THH:MM] [--units CODE,...] [--modules KEY,...]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import investigators
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.roles import INVESTIGATOR_MODULES
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def one_line(exc: ServiceError) -> str:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    return f"{exc.message} {details}".strip()


class Command(ConductCommand):
    help = gettext_noop(
        "Create or update a read-only investigator account that ends at --until (UTC); an auditor gets the "
        "end of access only. Modules: %(modules)s"
    )

    def description(self) -> str:
        return super().description() % {"modules": ", ".join(INVESTIGATOR_MODULES)}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--until", required=True, help=_("YYYY-MM-DD (through that day) or YYYY-MM-DDTHH:MM, UTC")
        )
        parser.add_argument(
            "--units", default="", help=_("Org unit codes, comma-separated (default: every unit)")
        )
        parser.add_argument(
            "--modules", default="", help=_("Module keys, comma-separated (default: every module)")
        )
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            until = investigators.parse_until(opts["until"])
            user, created = investigators.investigator_grant(
                actor=CLI,
                username=opts["username"],
                until=until,
                units=_list(opts["units"]),
                modules=_list(opts["modules"]),
                email=opts["email"],
            )
        except ServiceError as exc:
            raise CommandError(one_line(exc)) from None
        units = ", ".join(sorted(user.scope_units.values_list("code", flat=True))) or "all units"
        modules = ", ".join(user.scope_modules or []) or "all modules"
        verb = "Created" if created else "Updated"
        assert user.access_until is not None
        self.stdout.write(
            _("%(verb)s %(username)s (%(role)s): access until %(access_until)s UTC; %(units)s; %(modules)s.")
            % {
                "verb": verb,
                "username": user.username,
                "role": user.role,
                "access_until": format(user.access_until, "%Y-%m-%d %H:%M"),
                "units": units,
                "modules": modules,
            }
        )
