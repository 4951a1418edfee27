"""The ledger's names for changes to the risk register and the transparency reports."""

from __future__ import annotations

from enum import StrEnum


class ReportsAction(StrEnum):
    RISK_CREATE = "risk.create"
    RISK_UPDATE = "risk.update"
    RISK_LINK = "risk.link"
    REPORT_REQUEST = "report.request"
    REPORT_FAIL = "report.fail"
    REPORT_PUBLISH = "report.publish"
    REPORT_SEAL = "report.seal"
    EVIDENCE_EXPORT = "evidence.export"
