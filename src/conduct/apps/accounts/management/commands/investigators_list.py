"""conduct investigators list [--json]: investigators, and auditors with an end of access."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop(
        "List investigators and time-limited auditors with their end of access, units and modules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        rows = []
        accounts = User.objects.filter(
            Q(role=Role.INVESTIGATOR) | Q(role=Role.AUDITOR, access_until__isnull=False)
        ).prefetch_related("scope_units")
        for user in accounts.order_by("username"):
            rows.append(
                {
                    "username": user.username,
                    "role": user.role,
                    "until": user.access_until.isoformat() if user.access_until else None,
                    "active": not user.access_expired(now),
                    "units": sorted(u.code for u in user.scope_units.all()),
                    "modules": list(user.scope_modules or []),
                }
            )
        if opts["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            state = "active" if row["active"] else "ended"
            self.stdout.write(
                _("%(username)s %(role)s until %(until)s (%(state)s) units: %(value)s; modules: %(value2)s")
                % {
                    "username": format(row["username"], "20"),
                    "role": format(row["role"], "13"),
                    "until": row["until"],
                    "state": state,
                    "value": ", ".join(row["units"]) or "all",
                    "value2": ", ".join(row["modules"]) or "all",
                }
            )
