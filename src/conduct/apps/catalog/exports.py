"""OSCAL documents of the catalog: a framework as a catalog, an assessment as assessment-results."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.catalog import selectors
from conduct.apps.catalog.library import framework_library
from conduct.apps.catalog.models import Assessment, EvidenceKind
from conduct.apps.catalog.oscal import AssessmentRecord, EvidenceItem, ResultItem, to_oscal_assessment_results
from conduct.core.catalog import to_oscal_catalog


def framework_oscal(*, actor: User, slug: str) -> dict[str, Any]:
    framework = selectors.framework_get(actor=actor, slug=slug)
    return to_oscal_catalog(framework, framework_library().mappings)


def _evidence_item(evidence: Any) -> EvidenceItem:
    if evidence.kind == EvidenceKind.LINK:
        href = evidence.url
    elif evidence.kind == EvidenceKind.FILE:
        href = f"urn:sha256:{evidence.file_sha256}"
    else:
        record_id = evidence.gate_decision_id or evidence.audit_id or evidence.certificate_id
        href = f"urn:conduct:record:{evidence.kind}:{record_id}"
    return EvidenceItem(kind=evidence.get_kind_display(), title=evidence.title, href=href)


def assessment_oscal(*, actor: User, assessment: Assessment) -> dict[str, Any]:
    """The assessment (read through assessment_get first) as OSCAL assessment-results."""
    framework = framework_library().framework(assessment.framework)
    record = AssessmentRecord(
        id=assessment.pk,
        title=assessment.title,
        scope=assessment.scope_label,
        started=assessment.created_at,
        completed=assessment.completed_at,
        installation=assessment.library_version[:16],
    )
    items = [
        ResultItem(
            urn=r.urn,
            status=r.status,
            note=r.note,
            assessed_at=r.assessed_at,
            assessed_by=r.assessed_by,
            owner=r.owner.username if r.owner else None,
            evidence=[_evidence_item(e) for e in r.evidence.all()],
        )
        for r in assessment.results.select_related("owner").prefetch_related("evidence")
    ]
    return to_oscal_assessment_results(record, framework, items, now=timezone.now())
