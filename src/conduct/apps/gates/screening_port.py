"""The screener gates use for their `screening` facts: the one screening registers, or none until it does."""

from __future__ import annotations

from conduct.core.policy import NullScreener, Screener
from conduct.events.screening import gate_screener as screening_gate_screener


def gate_screener() -> Screener:
    if not screening_gate_screener.registered:
        return NullScreener()
    screener: Screener = screening_gate_screener()
    return screener
