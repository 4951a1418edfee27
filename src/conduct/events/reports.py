"""Providers the reports app (the risk register) implements for other apps."""

from __future__ import annotations

from conduct.events._bus import Provider

visible_risk_codes: Provider[..., set[str]] = Provider(
    "reports.visible_risk_codes",
    "visible_risk_codes(*, actor, codes) -> the codes among `codes` of the risks whose pages the actor may "
    "open; read by catalog to link a control's risks only where the link answers.",
)
