"""What the risk register answers for other apps (registered in ReportsConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conduct.apps.reports.selectors import RiskFilters, risk_list
from conduct.events import reports as reports_events


def visible_risk_codes(*, actor: Any, codes: Iterable[str]) -> set[str]:
    visible = risk_list(actor=actor, filters=RiskFilters(status=None)).filter(code__in=list(codes))
    return set(visible.values_list("code", flat=True))


def register() -> None:
    reports_events.visible_risk_codes.register(visible_risk_codes)
