"""The product_release gate's facts, read from the register (the provider products.release_facts)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from conduct.apps.products.assessment_facts import release_evidence
from conduct.apps.products.matching import match_release
from conduct.apps.products.models import Release, VexStatement

CLOSED = frozenset({"not_affected", "fixed"})


def _vex_state(vex: dict[str, VexStatement], cve: str) -> str:
    found = vex.get(cve)
    return found.state if found else ""


def _finding(f: Any, vex: dict[str, VexStatement]) -> dict[str, Any]:
    return {
        "id": f.cve,
        "cvss": f.cvss,
        "kev": f.kev,
        "component": f.component,
        "version": f.version,
        "matched_range": f.matched_range,
        "vex": _vex_state(vex, f.cve),
        "source": f"SBOM component {f.component} {f.version}, {f.cve} ({f.source} range {f.matched_range})",
    }


def _unknown(u: Any, vex: dict[str, VexStatement]) -> dict[str, Any]:
    return {
        "id": u.cve,
        "cvss": u.cvss,
        "kev": u.kev,
        "component": u.component,
        "version": u.version,
        "reason": u.reason,
        "vex": _vex_state(vex, u.cve),
        "source": f"SBOM component {u.component} {u.version or '(no version)'}, {u.cve}: {u.reason}",
    }


def release_facts(model: str, version: str) -> dict[str, Any] | None:
    """Plain facts about MODEL VERSION for the policy engine, each naming where it comes from."""
    release = (
        Release.objects.select_related("product", "product__business_unit")
        .filter(product__model=str(model).strip(), version=str(version).strip())
        .first()
    )
    if release is None:
        return None
    product = release.product
    sbom = getattr(release, "sbom", None)
    vex = {v.cve: v for v in VexStatement.objects.filter(release=release)}
    result = match_release(release) if sbom is not None else None

    findings = [_finding(f, vex) for f in (result.findings if result else ())]
    unknown = [_unknown(u, vex) for u in (result.unknown if result else ())]
    policy_url = str(getattr(settings, "VULNERABILITY_DISCLOSURE_POLICY_URL", "") or "")
    return {
        "model": product.model,
        "name": product.name,
        "type": product.type,
        "capabilities": list(product.capabilities),
        "business_unit": product.business_unit.code,
        "version": release.version,
        "status": release.status,
        "support_end": release.support_end.isoformat() if release.support_end else None,
        "sbom": {"present": sbom is not None, "components": sbom.component_count if sbom else 0},
        "findings": findings,
        "unknown": unknown,
        "disclosure_policy": {
            "in_force": bool(policy_url),
            "source": f"setting VULNERABILITY_DISCLOSURE_POLICY_URL ({policy_url or 'not set'})",
        },
        # unique passwords (5.1-1, 5.1-2) and signed firmware (5.3-9, 5.3-10) from the release's assessment
        "evidence": release_evidence(release),
    }
