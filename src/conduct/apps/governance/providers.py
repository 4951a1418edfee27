"""What governance answers for other apps (registered in GovernanceConfig.ready)."""

from __future__ import annotations

from conduct.apps.governance.services import case_audience
from conduct.events import governance as governance_events


def register() -> None:
    governance_events.review_audience.register(case_audience)
