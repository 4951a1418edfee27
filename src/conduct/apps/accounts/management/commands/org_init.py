"""conduct org init NAME --country CC [--code CODE] — the top unit (headquarters) of a fresh install."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import services
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import OrgUnit, OrgUnitKind
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


def error_line(exc: ServiceError) -> str:
    """A service error as one line: its message, then each field's problem."""
    fields = "; ".join(f"{name}: {problem}" for name, problem in exc.fields.items())
    return f"{exc.message} ({fields})" if fields else exc.message


class Command(ConductCommand):
    help = gettext_noop(
        "Create the organisation's top unit (a headquarters); refused when the tree has one already."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=_("The organisation's name, e.g. 'Northlight Vision HQ'"))
        parser.add_argument("--country", required=True, help=_("ISO 3166-1 alpha-2 code, e.g. CN"))
        parser.add_argument("--code", default="hq", help=_("The unit's short code (default: hq)"))

    def handle(self, *args: Any, **opts: Any) -> None:
        top = OrgUnit.objects.filter(parent__isnull=True).first()
        if top is not None:
            raise CommandError(
                _(
                    "The organisation already has its top unit, %(code)s (%(name)s); add units under it with "
                    "`conduct org import FILE.yaml`."
                )
                % {"code": top.code, "name": top.name}
            )
        try:
            unit = services.orgunit_create(
                actor=CLI,
                code=opts["code"],
                name=opts["name"],
                kind=OrgUnitKind.HEADQUARTERS,
                country=opts["country"],
            )
        except ServiceError as exc:
            raise CommandError(error_line(exc)) from None
        self.stdout.write(
            _("Created the top unit %(code)s (%(name)s).") % {"code": unit.code, "name": unit.name}
        )
