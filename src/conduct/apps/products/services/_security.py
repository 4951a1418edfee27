"""Ledger action names of advisories and release assessments (kept apart from the register's)."""

from __future__ import annotations

from enum import StrEnum


class SecurityAction(StrEnum):
    ADVISORY_DRAFT = "advisory.draft"
    ADVISORY_UPDATE = "advisory.update"
    ADVISORY_PUBLISH = "advisory.publish"
    ASSESSMENT_RECORD = "release.assess"
    ASSESSMENT_EVIDENCE = "release.evidence"
