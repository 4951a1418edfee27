"""conduct users create USERNAME --role ROLE [--unit UNIT ...] [--password-stdin]"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import services
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.roles import PORTAL_ORG_KIND, PORTAL_ROLES, Role
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop(
        "Create a user. Without --password-stdin the user cannot log in with a password (tokens only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--unit", action="append", default=[], help=_("Org unit code to scope to (repeatable)")
        )
        parser.add_argument(
            "--org", help=_("Supplier or customer organisation name (portal roles; created if new)")
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--service-account", action="store_true", help=_("A machine user for automation"))
        parser.add_argument(
            "--password-stdin", action="store_true", help=_("Read the password from standard input")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        units = []
        for code in opts["unit"]:
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                known = ", ".join(OrgUnit.objects.values_list("code", flat=True)[:20])
                raise CommandError(
                    _("--unit %(code)s: no such org unit (known: %(value)s)")
                    % {"code": repr(code), "value": known or "none"}
                )
            units.append(unit)
        password = None
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("--password-stdin: standard input gave an empty password"))
        portal_org = None
        if opts["role"] in PORTAL_ROLES:
            if not opts["org"]:
                raise CommandError(_("--org is required for a %(role)s user") % {"role": opts["role"]})
            portal_org = services.portal_org_create(
                actor=CLI, name=opts["org"], kind=PORTAL_ORG_KIND[opts["role"]]
            )
        try:
            user = services.user_create(
                actor=CLI,
                username=opts["username"],
                role=opts["role"],
                password=password,
                email=opts["email"],
                first_name=opts["first_name"],
                last_name=opts["last_name"],
                scope_units=units,
                home_unit=units[0] if units else None,
                portal_org=portal_org,
                is_service_account=opts["service_account"],
            )
        except ServiceError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        self.stdout.write(
            _("Created %(username)s (%(role)s).") % {"username": user.username, "role": user.role}
        )
