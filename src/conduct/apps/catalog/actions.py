"""The ledger actions the catalog writes: one name per change, as the ledger has always spelled them."""

from __future__ import annotations

from enum import StrEnum


class LedgerAction(StrEnum):
    FRAMEWORKS_LOAD = "frameworks.load"
    CONTROL_CREATE = "control.create"
    CONTROL_UPDATE = "control.update"
    ASSESSMENT_CREATE = "assessment.create"
    ASSESSMENT_RESULT = "assessment.result"
    ASSESSMENT_EVIDENCE = "assessment.evidence"
    ASSESSMENT_COMPLETE = "assessment.complete"
