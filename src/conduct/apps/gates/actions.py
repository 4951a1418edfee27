"""The ledger actions the gates write: one name for each, used by the services and read by reports."""

from __future__ import annotations

from enum import StrEnum


class GateAction(StrEnum):
    DECIDE = "gate.decide"
    RESOLVE = "gate.resolve"
    POLICY_VERSION_SEEN = "policy.version_seen"
    RECHECK = "gate.recheck"
    RECHECK_FINDING = "gate.recheck_finding"
