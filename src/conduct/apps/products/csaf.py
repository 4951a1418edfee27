"""An advisory as a CSAF 2.0 document (category csaf_security_advisory), and its check against the CSAF 2.0
JSON schema shipped in products/schemas/csaf (source and licence in its README.txt)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from conduct.apps.products.models_security import Advisory, AdvisoryProduct, AdvisoryStatus

SCHEMA_DIR = Path(__file__).parent / "schemas" / "csaf"
CVSS3_VECTOR = re.compile(
    r"^CVSS:3[.][01]/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$"
)  # noqa: E501 - FIRST's pattern


def severity(score: float) -> str:
    """CVSS v3 qualitative rating of a base score."""
    if score == 0:
        return "NONE"
    if score < 4.0:
        return "LOW"
    if score < 7.0:
        return "MEDIUM"
    if score < 9.0:
        return "HIGH"
    return "CRITICAL"


def product_id(link: AdvisoryProduct) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{link.release.product.model}-{link.release.version}")


def _product_tree(links: list[AdvisoryProduct]) -> dict[str, Any]:
    by_product: dict[int, list[AdvisoryProduct]] = {}
    for link in links:
        by_product.setdefault(link.release.product_id, []).append(link)
    products = []
    for group in by_product.values():
        product = group[0].release.product
        versions = [
            {
                "category": "product_version",
                "name": link.release.version,
                "product": {
                    "name": f"{product.name} ({product.model}) {link.release.version}",
                    "product_id": product_id(link),
                },
            }
            for link in group
        ]
        products.append(
            {"category": "product_name", "name": f"{product.name} ({product.model})", "branches": versions}
        )
    return {"branches": [{"category": "vendor", "name": settings.PRODUCT_MANUFACTURER, "branches": products}]}


def _vulnerability(entry: dict[str, Any], advisory: Advisory, links: list[AdvisoryProduct]) -> dict[str, Any]:
    affected = [product_id(x) for x in links if x.status == "known_affected"]
    fixed = [product_id(x) for x in links if x.status == "fixed"]
    status: dict[str, list[str]] = {}
    if affected:
        status["known_affected"] = affected
    if fixed:
        status["fixed"] = fixed
    out: dict[str, Any] = {"cve": entry["cve"], "notes": [{"category": "summary", "text": advisory.summary}]}
    if status:
        out["product_status"] = status
    vector = str(entry.get("vector") or "")
    if entry.get("cvss") is not None and CVSS3_VECTOR.match(vector) and affected:
        score = float(entry["cvss"])
        out["scores"] = [
            {
                "cvss_v3": {
                    "version": vector[5:8],
                    "vectorString": vector,
                    "baseScore": score,
                    "baseSeverity": severity(score),
                },
                "products": affected,
            }
        ]
    if advisory.remediation.strip() and affected:
        out["remediations"] = [
            {"category": "vendor_fix", "details": advisory.remediation.strip(), "product_ids": affected}
        ]
    return out


def _tracking(advisory: Advisory) -> dict[str, Any]:
    history = advisory.revision_history or [
        {"number": "0", "date": advisory.updated_at.isoformat(), "summary": "Draft"}
    ]
    published = advisory.status == AdvisoryStatus.PUBLISHED
    return {
        "id": advisory.advisory_id,
        "status": "final" if published else "draft",
        "version": str(history[-1]["number"]),
        "initial_release_date": (advisory.published_at or advisory.created_at).isoformat(),
        "current_release_date": str(history[-1]["date"]),
        "revision_history": [
            {"number": str(r["number"]), "date": str(r["date"]), "summary": str(r["summary"])}
            for r in history
        ],
    }


def csaf_document(advisory: Advisory) -> dict[str, Any]:
    """The advisory as CSAF 2.0 JSON: product_tree vendor -> product -> version, one vulnerability per CVE."""
    links = list(advisory.products.select_related("release", "release__product").order_by("pk"))
    base = f"{settings.SITE_URL}/security/advisories/{advisory.advisory_id}"
    return {
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "title": advisory.title,
            "lang": "en",
            "distribution": {"tlp": {"label": "WHITE"}},
            "publisher": {
                "category": "vendor",
                "name": settings.PRODUCT_MANUFACTURER,
                "namespace": settings.CSAF_PUBLISHER_NAMESPACE,
            },
            "notes": [{"category": "summary", "title": "Summary", "text": advisory.summary}],
            "references": [
                {"category": "self", "summary": "This advisory (CSAF)", "url": f"{base}.json"},
                {"category": "self", "summary": "This advisory (page)", "url": f"{base}/"},
            ],
            "tracking": _tracking(advisory),
        },
        "product_tree": _product_tree(links),
        "vulnerabilities": [_vulnerability(v, advisory, links) for v in advisory.vulnerabilities],
    }


def _retrieve(uri: str) -> Any:
    name = uri.rsplit("/", 1)[-1]
    path = SCHEMA_DIR / name
    if not uri.startswith("https://www.first.org/cvss/") or not path.is_file():
        raise ValueError(f"no local copy of {uri}")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    schema = json.loads((SCHEMA_DIR / "csaf_json_schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, retriever=_retrieve, validate_formats=True)


def csaf_problems(document: dict[str, Any]) -> list[str]:
    """Every violation of the CSAF 2.0 JSON schema, as "path: message" ([] when the document is valid)."""
    return [
        f"/{'/'.join(str(p) for p in error.instance_path)}: {error.message[:300]}"
        for error in _validator().iter_errors(document)
    ]
