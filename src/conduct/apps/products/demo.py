"""The demo's product register (data/demo/organisation.yaml, `products:`), loaded by `conduct demo load`.

Idempotent: nothing is loaded again once the first product exists. The vulnerability records are loaded
first, so the releases' findings show at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from conduct.apps.accounts.actors import DEMO
from conduct.apps.products import services
from conduct.apps.products.models import Product, Release
from conduct.apps.products.services import advisories, assessment
from conduct.datafiles import data_path


def _vulnerabilities(folder: str) -> None:
    root = data_path("demo", *folder.split("/"))
    documents = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.json"))]
    services.vulns_load(actor=DEMO, documents=documents)


def _release(product: Product, spec: dict[str, Any]) -> None:
    if spec.get("sbom"):
        text = data_path("demo", *spec["sbom"].split("/")).read_text(encoding="utf-8")
        services.sbom_import(
            actor=DEMO, model=product.model, version=str(spec["version"]), text=text, filename=spec["sbom"]
        )
    release = Release.objects.get(product=product, version=str(spec["version"]))

    def day(name: str) -> date | None:
        value = spec.get(name)
        return value if isinstance(value, date) else (date.fromisoformat(value) if value else None)

    services.release_update(
        actor=DEMO,
        release=release,
        spec=services.ReleaseSpec(
            version=release.version,
            status=spec.get("status", "draft"),
            released_on=day("released_on"),
            support_end=day("support_end"),
        ),
    )


@transaction.atomic
def load_demo_products(spec: dict[str, Any] | None) -> int:
    if not spec or not spec.get("items"):
        return 0
    if Product.objects.filter(model=spec["items"][0]["model"]).exists():
        return 0
    if spec.get("vulnerabilities"):
        _vulnerabilities(spec["vulnerabilities"])
    created = 0
    for item in spec["items"]:
        product = services.product_create(
            actor=DEMO,
            spec=services.ProductSpec(
                model=item["model"],
                name=item["name"],
                type=item["type"],
                business_unit=item["business_unit"],
                capabilities=tuple(item.get("capabilities", ())),
            ),
        )
        for release in item.get("releases", []):
            _release(product, release)
        created += 1
    for assessed in spec.get("assessments", []):
        _assessment(assessed)
    for advisory in spec.get("advisories", []):
        _advisory(advisory)
    load_demo_vulnerability_reports()
    return created


def _assessment(spec: dict[str, Any]) -> None:
    """The per-release ETSI EN 303 645 assessment, with evidence files from data/demo."""
    release = Release.objects.get(product__model=spec["model"], version=str(spec["version"]))
    entries = [
        assessment.AssessmentEntry(provision=str(i["provision"]), state=i["state"], note=i.get("note", ""))
        for i in spec["items"]
    ]
    assessment.assessment_record(actor=DEMO, release=release, entries=entries)
    for item in spec["items"]:
        if item.get("evidence"):
            path = data_path("demo", *item["evidence"].split("/"))
            assessment.assessment_evidence_add(
                actor=DEMO,
                release=release,
                provision=str(item["provision"]),
                content=path.read_bytes(),
                filename=path.name,
            )


def _advisory(spec: dict[str, Any]) -> None:
    release = Release.objects.get(product__model=spec["model"], version=str(spec["version"]))
    drafted = advisories.advisory_draft(
        actor=DEMO,
        spec=advisories.AdvisorySpec(
            title=spec["title"],
            summary=spec["summary"],
            vulnerabilities=tuple(spec["vulnerabilities"]),
            affected=(release,),
            remediation=spec.get("remediation", ""),
        ),
    )
    if spec.get("publish"):
        advisories.advisory_publish(actor=DEMO, advisory=drafted)


def load_demo_vulnerability_reports() -> None:
    """Two reports from outside: one just received, and one acknowledged long ago whose reporter has had no
    status update since (its update deadline has slipped: `conduct vulns escalate` escalates it)."""
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.products.models import VulnerabilityReport
    from conduct.apps.products.services.disclosure_intake import Disclosure, vulnreport_submit
    from conduct.apps.products.services.disclosure_triage import vulnreport_transition

    vulnreport_submit(
        report=Disclosure(
            product="NV-DOME-4K",
            version="5.2.1",
            summary="Stored XSS in the camera's web UI through the OSD text",
            details="The on-screen-display text is echoed unescaped in the live-view page (demo report).",
            reporter_name="Demo Researcher",
            reporter_email="researcher@example.org",
        )
    )
    old = vulnreport_submit(
        report=Disclosure(
            product="NV-Recorder 32",
            version="3.9.0",
            summary="Hard-coded debug account on the recorder's telnet port",
            details="A debug account with a fixed password answers when telnet is enabled (demo report).",
        )
    )
    vulnreport_transition(
        actor=DEMO, report=old, to="acknowledged", note="Thank you; we are looking into it."
    )
    received, acknowledged = timezone.now() - timedelta(days=45), timezone.now() - timedelta(days=44)
    VulnerabilityReport.objects.filter(pk=old.pk).update(
        received_at=received,
        acknowledged_at=acknowledged,
        updated_at=acknowledged,
        acknowledge_by=received + timedelta(days=5),
        update_by=acknowledged + timedelta(days=30),
        resolve_by=received + timedelta(days=90),
        client_key="",
    )
