"""The screener gates use for their `screening` facts: the screening module's, or none until lists are loaded."""

from __future__ import annotations

from conduct.core.policy import NullScreener, Screener


def gate_screener() -> Screener:
    try:
        from conduct.apps.screening.services import policy_screener
    except ImportError:
        return NullScreener()
    return policy_screener()
