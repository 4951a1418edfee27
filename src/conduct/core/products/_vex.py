"""VEX analysis states (per release and CVE) and their CycloneDX VEX form."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

# Conduct's states (the CSAF / OpenVEX words) and CycloneDX's analysis state for each.
VEX_STATES = {
    "affected": "exploitable",
    "not_affected": "not_affected",
    "fixed": "resolved",
    "under_investigation": "in_triage",
}
# not_affected needs one of CycloneDX's justifications.
JUSTIFICATIONS = (
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
)
CLOSED_STATES = frozenset({"not_affected", "fixed"})


@dataclass(frozen=True)
class VexStatement:
    cve: str
    state: str
    justification: str = ""
    detail: str = ""
    recorded_at: str = ""  # ISO 8601


def vex_problems(state: str, justification: str) -> dict[str, str]:
    """Field problems of a statement (empty when valid)."""
    problems: dict[str, str] = {}
    if state not in VEX_STATES:
        problems["state"] = "one of " + ", ".join(VEX_STATES)
    if state == "not_affected" and justification not in JUSTIFICATIONS:
        problems["justification"] = "not_affected needs one of " + ", ".join(JUSTIFICATIONS)
    if state != "not_affected" and justification:
        problems["justification"] = "only a not_affected statement has a justification"
    return problems


def cyclonedx_vex(
    *, model: str, name: str, version: str, statements: Iterable[VexStatement], serial: str | None = None
) -> dict[str, object]:
    """A CycloneDX 1.6 VEX document for one release (the release is the metadata component)."""
    ref = f"{model}@{version}"
    vulnerabilities = []
    for s in statements:
        analysis: dict[str, object] = {"state": VEX_STATES[s.state]}
        if s.justification:
            analysis["justification"] = s.justification
        if s.detail:
            analysis["detail"] = s.detail
        if s.recorded_at:
            analysis["lastUpdated"] = s.recorded_at
        vulnerabilities.append(
            {
                "id": s.cve,
                "source": {"name": "NVD", "url": f"https://nvd.nist.gov/vuln/detail/{s.cve}"},
                "analysis": analysis,
                "affects": [{"ref": ref}],
            }
        )
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial or f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "component": {"type": "firmware", "bom-ref": ref, "name": name or model, "version": version}
        },
        "vulnerabilities": vulnerabilities,
    }
