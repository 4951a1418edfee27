"""conduct access expire — expire unanswered access requests now (the worker also does it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access import services
from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop("Expire the access requests nobody answered in time.")

    def handle(self, *args: Any, **opts: Any) -> None:
        expired = services.access_requests_expire(actor=CLI)
        self.stdout.write(_("%(n)d access request(s) expired.") % {"n": len(expired)})
