"""conduct access approve ID --as USER [--hours N] [--scope S ...] [--comment TEXT] [--json]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.management._cli import actor_for, dumps, fail
from conduct.apps.access.models import AccessRequest
from conduct.apps.access.services._common import operator
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


def find_request(request_id: int) -> AccessRequest:
    found = AccessRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise CommandError(_("No access request %(id)d.") % {"id": request_id})
    return found


class Command(ConductCommand):
    help = gettext_noop(
        "Approve an access request as one of the customer's approvers (--as); prints the grants."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("request_id", type=int)
        parser.add_argument("--as", dest="as_user", required=True, help=_("The customer's approver"))
        parser.add_argument("--hours", type=int, help=_("Fewer hours than asked"))
        parser.add_argument("--scope", action="append", help=_("Fewer scopes than asked (repeatable)"))
        parser.add_argument("--comment", default="")
        parser.add_argument("--json", action="store_true", help=_("Print the grant(s) as JSON"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            grants = services.access_request_approve(
                actor=actor_for(opts["as_user"]),
                request=find_request(opts["request_id"]),
                hours=opts["hours"],
                scopes=opts["scope"],
                comment=opts["comment"],
                operator=operator(),
            )
        except ServiceError as exc:
            raise fail(exc) from None
        found = [
            {
                "grant_id": g.grant_id,
                "device": g.device.serial,
                "scopes": g.scopes,
                "token": g.token,
                "not_before": g.not_before.isoformat(),
                "expires_at": g.expires_at.isoformat(),
            }
            for g in grants
        ]
        if opts["json"]:
            self.stdout.write(dumps(found[0] if len(found) == 1 else found))
            return
        for g in found:
            self.stdout.write(
                _("grant %(grant_id)s for %(device)s until %(expires_at)s\n%(token)s")
                % {
                    "grant_id": g["grant_id"],
                    "device": g["device"],
                    "expires_at": g["expires_at"],
                    "token": g["token"],
                }
            )
