"""conduct access deny ID --as USER [--comment TEXT] [--json]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.management._cli import actor_for, dumps, fail
from conduct.apps.access.management.commands.access_approve import find_request
from conduct.apps.access.services._common import operator
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Deny an access request as one of the customer's approvers (--as).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("request_id", type=int)
        parser.add_argument("--as", dest="as_user", required=True)
        parser.add_argument("--comment", default="")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            request = services.access_request_deny(
                actor=actor_for(opts["as_user"]),
                request=find_request(opts["request_id"]),
                comment=opts["comment"],
                operator=operator(),
            )
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            self.stdout.write(dumps({"id": request.pk, "status": request.status, "comment": request.comment}))
        else:
            self.stdout.write(_("Access request %(id)d denied.") % {"id": request.pk})
