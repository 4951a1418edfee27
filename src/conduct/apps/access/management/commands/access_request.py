"""conduct access request --device SERIAL [--device ...] --scope S [--scope ...] --hours N --reason TEXT
[--ticket REF] --as USER [--json]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.access.management._cli import actor_for, dumps, fail
from conduct.apps.access.services._common import operator
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError


class Command(ConductCommand):
    help = gettext_noop("Ask a customer for access to some of its devices (a support engineer, --as).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--device", action="append", required=True, help=_("Device serial (repeatable)"))
        parser.add_argument("--scope", action="append", required=True, help=_("Scope (repeatable)"))
        parser.add_argument("--hours", type=int, default=services.requests.DEFAULT_HOURS)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--ticket", default="")
        parser.add_argument("--as", dest="as_user", required=True, help=_("The support engineer asking"))
        parser.add_argument("--json", action="store_true", help=_("Print the request as JSON with its id"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            request = services.access_request_create(
                actor=actor_for(opts["as_user"]),
                serials=opts["device"],
                scopes=opts["scope"],
                hours=opts["hours"],
                reason=opts["reason"],
                ticket=opts["ticket"],
                operator=operator(),
            )
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            self.stdout.write(dumps(request_json(request)))
        else:
            self.stdout.write(
                _("access request %(pk)s: waiting for %(name)s until %(answer_by)s UTC")
                % {
                    "pk": request.pk,
                    "name": request.customer.name,
                    "answer_by": format(request.answer_by, "%Y-%m-%d %H:%M"),
                }
            )


def request_json(request: Any) -> dict[str, Any]:
    return {
        "id": request.pk,
        "status": request.status,
        "customer": request.customer.name,
        "devices": sorted(d.serial for d in request.devices.all()),
        "scopes": request.scopes,
        "hours": request.hours,
        "reason": request.reason,
        "ticket": request.ticket,
        "requested_by": request.requested_by.username,
        "answer_by": request.answer_by.isoformat(),
    }
