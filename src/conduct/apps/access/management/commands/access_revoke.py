"""conduct access revoke GRANT_ID --as USER [--comment TEXT]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.management._cli import actor_for, fail
from conduct.apps.access.models import Grant
from conduct.apps.access.services._common import operator
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop(
        "Revoke a grant (the customer's approver or the company's staff, --as); signs a new revocation list."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("grant_id")
        parser.add_argument("--as", dest="as_user", required=True)
        parser.add_argument("--comment", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        grant = Grant.objects.filter(grant_id=opts["grant_id"]).select_related("device__customer").first()
        if grant is None:
            raise CommandError(_("No grant %(id)s.") % {"id": opts["grant_id"]})
        try:
            services.grant_revoke(
                actor=actor_for(opts["as_user"]), grant=grant, comment=opts["comment"], operator=operator()
            )
        except ServiceError as exc:
            raise fail(exc) from None
        self.stdout.write(_("Grant %(id)s revoked.") % {"id": grant.grant_id})
