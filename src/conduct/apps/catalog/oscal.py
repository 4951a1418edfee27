"""Assessment results as OSCAL 1.1 `assessment-results` JSON: a pure function of plain values (no Django).

Each assessed requirement becomes a finding whose target is the requirement's statement in the catalog that
`conduct.core.catalog.to_oscal_catalog` exports (`<control-id>_smt`), so the two documents line up. Evidence
becomes an observation with relevant-evidence entries. Ids are uuid5s of the assessment and URN, so the same
assessment exports the same document.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conduct.core.catalog import OSCAL_NAMESPACE, OSCAL_VERSION, Framework, Requirement, oscal_control_id

# Conduct's four statuses -> OSCAL objective state, and the implementation status where one fits.
_STATE = {
    "met": ("satisfied", "implemented"),
    "partly_met": ("not-satisfied", "partial"),
    "not_met": ("not-satisfied", None),
    "not_applicable": ("satisfied", "not-applicable"),
}


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    title: str
    href: str | None = None  # a link, or a file's sha256 as urn:sha256:<hex>


@dataclass(frozen=True)
class ResultItem:
    urn: str
    status: str
    note: str
    assessed_at: datetime
    assessed_by: str
    owner: str | None = None
    evidence: Sequence[EvidenceItem] = field(default_factory=tuple)


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    title: str
    scope: str
    started: datetime
    completed: datetime | None
    installation: str  # distinguishes ids across installations (e.g. the library version or a host name)


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "conduct:" + ":".join(str(p) for p in parts)))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": OSCAL_NAMESPACE, "value": " ".join(value.split()) or "-"}


def to_oscal_assessment_results(
    assessment: AssessmentRecord, framework: Framework, results: Sequence[ResultItem], *, now: datetime
) -> dict[str, Any]:
    """`{"assessment-results": {...}}` ready for json.dumps. Results for URNs outside `framework` are
    skipped."""
    by_urn = {r.urn: r for r in framework.requirements}
    key = (assessment.installation, assessment.id)
    findings: list[dict[str, Any]] = []
    observations: list[dict[str, Any]] = []
    for item in results:
        requirement = by_urn.get(item.urn)
        if requirement is None or item.status not in _STATE:
            continue
        finding, observation = _finding(key, requirement, item)
        if observation is not None:
            observations.append(observation)
        findings.append(finding)

    plan_uuid = _uuid(*key, "plan")
    result: dict[str, Any] = {
        "uuid": _uuid(*key, "result"),
        "title": assessment.title,
        "description": f"{framework.short_name} assessment of {assessment.scope}.",
        "start": _iso(assessment.started),
        "props": [_prop("framework-urn", framework.urn), _prop("scope", assessment.scope)],
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    }
    if assessment.completed is not None:
        result["end"] = _iso(assessment.completed)
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    return {
        "assessment-results": {
            "uuid": _uuid(
                *key, "document", len(findings), max((r.assessed_at for r in results), default=now)
            ),
            "metadata": {
                "title": f"Assessment results: {assessment.title}",
                "last-modified": _iso(now),
                "version": f"{assessment.id}.{len(findings)}",
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {"href": f"#{plan_uuid}"},
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan_uuid,
                        "title": "Assessment plan",
                        "description": "Conduct records the assessment itself; there is no separate OSCAL "
                        "assessment plan. "
                        f"Requirements come from the {framework.short_name} catalog ({framework.urn}).",
                    }
                ]
            },
        }
    }


def _finding(
    key: tuple[Any, ...], requirement: Requirement, item: ResultItem
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One result as an OSCAL finding, and the observation holding its evidence (None without evidence)."""
    control_id = oscal_control_id(requirement)
    state, implementation = _STATE[item.status]
    target: dict[str, Any] = {
        "type": "statement-id",
        "target-id": f"{control_id}_smt",
        "props": [_prop("assessment-status", item.status)],
        "status": {"state": state},
    }
    if implementation:
        target["implementation-status"] = {"state": implementation}
    finding: dict[str, Any] = {
        "uuid": _uuid(*key, "finding", item.urn),
        "title": f"{requirement.id}: {' '.join(requirement.title.split())}",
        "description": item.note or f"Assessed as {item.status.replace('_', ' ')}.",
        "props": [_prop("requirement-urn", item.urn)],
        "target": target,
    }
    if not item.evidence:
        return finding, None
    observation_uuid = _uuid(*key, "observation", item.urn)
    finding["related-observations"] = [{"observation-uuid": observation_uuid}]
    return finding, {
        "uuid": observation_uuid,
        "title": f"Evidence for {requirement.id}",
        "description": f"Evidence attached to {item.urn} by {item.assessed_by}.",
        "methods": ["EXAMINE"],
        "collected": _iso(item.assessed_at),
        "relevant-evidence": [
            {**({"href": e.href} if e.href else {}), "description": f"{e.kind}: {e.title}"}
            for e in item.evidence
        ],
    }
