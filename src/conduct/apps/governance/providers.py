"""What governance answers for other apps (registered in GovernanceConfig.ready)."""

from __future__ import annotations

from typing import Any

from conduct.apps.governance.selectors import case_list
from conduct.apps.governance.services import case_audience
from conduct.events import governance as governance_events


def visible_case_ids(*, actor: Any, case_ids: list[int]) -> set[int]:
    return set(case_list(actor=actor).filter(pk__in=case_ids).values_list("pk", flat=True))


def register() -> None:
    governance_events.review_audience.register(case_audience)
    governance_events.visible_case_ids.register(visible_case_ids)
