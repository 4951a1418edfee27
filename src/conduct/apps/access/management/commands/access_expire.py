"""conduct access expire — expire unanswered access requests now (the worker also does it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from conduct.apps.access import services
from conduct.apps.accounts.actors import CLI


class Command(BaseCommand):
    help = "Expire the access requests nobody answered in time."

    def handle(self, *args: Any, **opts: Any) -> None:
        expired = services.access_requests_expire(actor=CLI)
        self.stdout.write(_("%(n)d access request(s) expired.") % {"n": len(expired)})
