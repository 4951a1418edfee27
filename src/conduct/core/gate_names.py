"""The gates' names and the one message naming an unknown gate: a leaf module (no imports), so the pipeline
client (`conduct gate check --server`) checks a gate's name without loading the policy engine."""

from __future__ import annotations

GATES = ("sales_deal", "app_launch", "supplier_onboarding", "product_release")


def unknown_gate(gate: str) -> tuple[str, dict[str, str]] | None:
    """(message, fields) when `gate` is not a gate, else None."""
    if gate in GATES:
        return None
    return f"Unknown gate {gate!r}.", {"gate": f"Expected one of {', '.join(GATES)}."}
