"""conduct suppliers risk — recompute every supplier's risk score and drivers now (the daily job does it
too)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.suppliers.services import risk_recompute_all


class Command(ConductCommand):
    help = gettext_noop(
        "Recompute every supplier's risk score (country, certificates, findings, "
        "questionnaire, sub-suppliers)."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        summary = risk_recompute_all(actor=CLI)
        bands = ", ".join(f"{band} {count}" for band, count in sorted(summary.bands.items()))
        self.stdout.write(
            _("Recomputed %(suppliers)s suppliers in %(seconds)s s (%(value)s).")
            % {"suppliers": summary.suppliers, "seconds": summary.seconds, "value": bands or "none"}
        )
