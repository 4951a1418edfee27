"""Writes for the catalog: record a library version, keep controls, run assessments and attach evidence.

Every service is one transaction, authorizes its `actor` (a user or a system actor; None, from callers written
before system actors, is the system) and appends a ledger entry. Import from here; the modules behind are
private. Records other apps keep (gate decisions, audits, certificates) are read through their providers.
"""

from conduct.apps.catalog.services.assessments import (
    assessment_complete,
    assessment_create,
    assessment_for_change,
    result_record,
)
from conduct.apps.catalog.services.controls import control_create, control_update
from conduct.apps.catalog.services.evidence import MAX_EVIDENCE_BYTES, evidence_add
from conduct.apps.catalog.services.library import LibraryLoad, library_record

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "LibraryLoad",
    "assessment_complete",
    "assessment_create",
    "assessment_for_change",
    "control_create",
    "control_update",
    "evidence_add",
    "library_record",
    "result_record",
]
