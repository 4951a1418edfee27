"""Advisories (four-eyes publish, CSAF 2.0 valid against the OASIS schema, public pages, revisions), the
customer portal (only the customer's own products), the per-release ETSI EN 303 645 assessment (evidence
size-checked; the product_release gate reads it and names the item) and the UK PSTI statement."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.test import Client

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Conflict, Forbidden, Invalid
from conduct.apps.gates.services import gate_evaluate
from conduct.apps.products import selectors_security, services
from conduct.apps.products.csaf import csaf_document, csaf_problems
from conduct.apps.products.models import Release
from conduct.apps.products.models_security import Advisory, ReleaseEvidence
from conduct.apps.products.services import advisories, assessment
from tests.factories.access import CustomerFactory, DeviceFactory
from tests.factories.accounts import UserFactory
from tests.factories.products import BusinessUnitFactory, ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db
VECTOR = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"


@pytest.fixture
def unit() -> Any:
    return BusinessUnitFactory(code="bu-test-advis")


@pytest.fixture
def releases(unit: Any) -> tuple[Release, Release]:
    product = ProductFactory(model="T-NVR-9", name="Test Recorder 9", business_unit=unit)
    return (
        ReleaseFactory(product=product, version="3.9.0", status="released"),
        ReleaseFactory(product=product, version="3.9.1", status="released"),
    )


def engineer(unit: Any) -> Any:
    return UserFactory(role="product_security", scope_units=[unit])


def spec(affected: Release, fixed: Release, **extra: Any) -> advisories.AdvisorySpec:
    return advisories.AdvisorySpec(
        title="glibc privilege escalation",
        summary="glibc 2.38 mishandles GLIBC_TUNABLES.",
        vulnerabilities=({"cve": "CVE-2023-4911", "cvss": 7.8, "vector": VECTOR}, {"cve": "CVE-2024-2961"}),
        affected=(affected,),
        fixed=(fixed,),
        remediation="Update to 3.9.1.",
        **extra,
    )


def test_an_advisory_is_published_by_a_second_person_as_schema_valid_csaf(unit: Any, releases: Any) -> None:
    drafter, publisher = engineer(unit), engineer(unit)
    draft = advisories.advisory_draft(actor=drafter, spec=spec(*releases))
    assert re.fullmatch(r"NV-SA-\d{4}-\d{3}", draft.advisory_id) and draft.status == "draft"
    with pytest.raises(Forbidden):
        advisories.advisory_publish(actor=drafter, advisory=draft)  # four eyes
    published = advisories.advisory_publish(actor=publisher, advisory=draft)
    with pytest.raises(Conflict):
        advisories.advisory_publish(actor=publisher, advisory=published)

    document = csaf_document(published)
    assert csaf_problems(document) == []
    assert document["document"]["category"] == "csaf_security_advisory"
    assert document["document"]["tracking"]["status"] == "final"
    vendor = document["product_tree"]["branches"][0]
    assert vendor["category"] == "vendor"
    product = vendor["branches"][0]
    assert product["category"] == "product_name"
    assert [b["name"] for b in product["branches"]] == ["3.9.0", "3.9.1"]
    first, second = document["vulnerabilities"]
    assert first["cve"] == "CVE-2023-4911"
    assert first["product_status"] == {"known_affected": ["T-NVR-9-3.9.0"], "fixed": ["T-NVR-9-3.9.1"]}
    assert first["scores"][0]["cvss_v3"]["baseSeverity"] == "HIGH"
    assert first["remediations"][0]["category"] == "vendor_fix"
    assert "scores" not in second  # no vector: no score is invented
    actions = list(
        LedgerEntry.objects.filter(object_type="advisory", object_id=str(draft.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["advisory.draft", "advisory.publish"]


def test_a_revision_adds_to_the_history_and_a_broken_document_is_refused(unit: Any, releases: Any) -> None:
    draft = advisories.advisory_draft(actor=engineer(unit), spec=spec(*releases))
    published = advisories.advisory_publish(actor=CLI, advisory=draft)
    with pytest.raises(Invalid) as refused:
        advisories.advisory_update(actor=CLI, advisory=published, spec=spec(*releases))
    assert "revision" in refused.value.fields
    revised = advisories.advisory_update(
        actor=CLI, advisory=published, spec=spec(*releases), revision="Fixed release named"
    )
    document = csaf_document(revised)
    assert [r["number"] for r in document["document"]["tracking"]["revision_history"]] == ["1", "2"]
    assert document["document"]["tracking"]["version"] == "2" and csaf_problems(document) == []
    broken = json.loads(json.dumps(document))
    broken["document"]["tracking"]["status"] = "shipped"
    broken["vulnerabilities"][0]["cve"] = "CVE-1"
    assert len(csaf_problems(broken)) >= 2


def test_bad_advisories_are_refused_by_field_and_nothing_is_written(unit: Any, releases: Any) -> None:
    bad = advisories.AdvisorySpec(
        title="",
        summary="x",
        vulnerabilities=(
            {"cve": "CVE-bad"},
            {"cve": "CVE-2023-4911", "cvss": 11},
            {"cve": "CVE-2023-0001", "vector": "nope", "cvss": 1},
        ),
        affected=(releases[0],),
        fixed=(releases[0],),
    )
    with pytest.raises(Invalid) as refused:
        advisories.advisory_draft(actor=engineer(unit), spec=bad)
    assert {
        "title",
        "fixed",
        "vulnerabilities[0].cve",
        "vulnerabilities[1].cvss",
        "vulnerabilities[2].vector",
    } <= set(refused.value.fields)
    assert not Advisory.objects.filter(business_unit=unit).exists()
    with pytest.raises(Forbidden):
        advisories.advisory_draft(actor=UserFactory(role="analyst", scope_units=[unit]), spec=spec(*releases))


def test_a_draft_from_a_release_prefills_its_open_findings(unit: Any) -> None:
    product = ProductFactory(model="T-ADV-SBOM", business_unit=unit)
    sbom = json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "components": [{"type": "library", "name": "advlib", "version": "1.0"}],
        }
    )
    services.sbom_import(actor=CLI, model=product.model, version="1.0", text=sbom)
    record = {
        "dataType": "CVE_RECORD",
        "cveMetadata": {"cveId": "CVE-2099-7001"},
        "containers": {
            "cna": {
                "affected": [
                    {
                        "vendor": "advlib",
                        "product": "advlib",
                        "versions": [{"version": "0", "lessThan": "2.0", "status": "affected"}],
                    }
                ],
                "metrics": [{"cvssV3_1": {"baseScore": 9.1}}],
            }
        },
    }
    services.vulns_load(actor=CLI, documents=[("r.json", json.dumps(record))])
    release = Release.objects.get(product=product)
    draft = advisories.advisory_from_release(actor=engineer(unit), release=release)
    assert draft.vulnerabilities == [{"cve": "CVE-2099-7001", "cvss": 9.1, "vector": ""}]
    assert [x["release"] for x in selectors_security.advisory_releases(draft)] == [release]
    services.vex_record(actor=CLI, release=release, cve="CVE-2099-7001", state="fixed", detail="patched")
    with pytest.raises(Invalid):
        advisories.advisory_from_release(actor=engineer(unit), release=release)  # nothing open any more


def test_the_public_pages_show_published_advisories_only(unit: Any, releases: Any) -> None:
    published = advisories.advisory_publish(
        actor=CLI, advisory=advisories.advisory_draft(actor=engineer(unit), spec=spec(*releases))
    )
    draft = advisories.advisory_draft(actor=engineer(unit), spec=spec(*releases))
    anonymous = Client()
    index = anonymous.get("/security/advisories/")
    assert index.status_code == 200
    assert published.advisory_id in index.content.decode() and draft.advisory_id not in index.content.decode()
    page = anonymous.get(f"/security/advisories/{published.advisory_id}/")
    assert page.status_code == 200 and "CVE-2023-4911" in page.content.decode()
    served = anonymous.get(f"/security/advisories/{published.advisory_id}.json")
    assert served.status_code == 200 and csaf_problems(served.json()) == []
    assert anonymous.get(f"/security/advisories/{draft.advisory_id}.json").status_code == 404
    api = anonymous.get(f"/api/v1/public/advisories/{published.advisory_id}")
    assert api.status_code == 200 and api.json()["document"]["tracking"]["id"] == published.advisory_id
    assert anonymous.get(f"/api/v1/public/advisories/{draft.advisory_id}").status_code == 404


def test_a_customer_sees_only_the_products_its_devices_are(unit: Any, releases: Any, api_client: Any) -> None:
    ours, theirs = CustomerFactory(name="Test Customer A"), CustomerFactory(name="Test Customer B")
    DeviceFactory(customer=ours, model="Test Recorder 9")  # a device names the product's name
    other = ProductFactory(model="T-CAM-OTHER", name="Other camera", business_unit=unit)
    ReleaseFactory(product=other, version="1.0", status="released")
    DeviceFactory(customer=theirs, model="t-cam other")  # matched by model, whatever the case and spacing
    advisories.advisory_publish(
        actor=CLI, advisory=advisories.advisory_draft(actor=engineer(unit), spec=spec(*releases))
    )
    customer = UserFactory(role="customer", portal_org=ours)
    seen = api_client(customer).get("/api/v1/portal/products").json()
    assert [p["model"] for p in seen] == ["T-NVR-9"]
    assert seen[0]["advisories"][0]["cves"] == ["CVE-2023-4911", "CVE-2024-2961"]
    page = api_client(customer).get("/products/portal/").content.decode()
    assert "T-NVR-9" in page and "T-CAM-OTHER" not in page
    other_customer = UserFactory(role="customer", portal_org=theirs)
    assert [p["model"] for p in api_client(other_customer).get("/api/v1/portal/products").json()] == [
        "T-CAM-OTHER"
    ]
    assert api_client(engineer(unit)).get("/api/v1/portal/products").status_code == 403


def _assess(release: Release, *items: tuple[str, str, str]) -> None:
    entries = [assessment.AssessmentEntry(provision=p, state=s, note=n) for p, s, n in items]
    assessment.assessment_record(actor=CLI, release=release, entries=entries)


def _gate(release: Release) -> Any:
    subject = {"release": {"model": release.product.model, "version": release.version}}
    return gate_evaluate(gate="product_release", subject=subject)


def test_the_gate_reads_password_and_signing_evidence_from_the_assessment(unit: Any, releases: Any) -> None:
    release = releases[0]
    before = _gate(release)
    missing = next(r for r in before.reasons if r.rule == "release.password_evidence_missing")
    assert "ETSI EN 303 645 5.1-1: not assessed" in missing.message
    signing = next(r for r in before.reasons if r.rule == "release.signing_evidence_missing")
    assert "5.3-9: not assessed" in signing.message

    _assess(release, ("5.1-1", "met", ""), ("5.1-2", "met", ""), ("5.3-9", "met", ""), ("5.3-10", "met", ""))
    unproven = next(r for r in _gate(release).reasons if r.rule == "release.password_evidence_missing")
    assert "marked met without evidence" in unproven.message  # met needs a file
    for provision in ("5.1-1", "5.1-2", "5.3-9", "5.3-10"):
        assessment.assessment_evidence_add(
            actor=CLI, release=release, provision=provision, content=b"report", filename=f"{provision}.txt"
        )
    proven = _gate(release)
    assert {"release.password_evidence_missing", "release.signing_evidence_missing"}.isdisjoint(proven.fired)

    _assess(release, ("5.1-1", "not_met", "admin/admin on every unit"))
    denied = _gate(release)
    assert denied.outcome == "deny"
    reason = next(r for r in denied.reasons if r.rule == "release.universal_default_password")
    assert "assessment item ETSI EN 303 645 5.1-1: not met (admin/admin on every unit)" in reason.message
    _assess(release, ("5.3-10", "not_met", "updates over plain HTTP"))
    assert "release.unsigned_firmware" in _gate(release).fired


def test_the_assessment_refuses_bad_items_and_oversized_evidence(unit: Any, releases: Any) -> None:
    release = releases[0]
    with pytest.raises(Invalid) as refused:
        _assess(
            release,
            ("5.1-1", "met", ""),
            ("9.9-9", "met", ""),
            ("5.1-2", "not_applicable", ""),
            ("5.3-9", "maybe", ""),
        )
    assert set(refused.value.fields) == {"items[1].provision", "items[2].note", "items[3].state"}
    assert not release.assessment_items.exists()  # all or nothing
    with pytest.raises(Invalid) as unassessed:
        assessment.assessment_evidence_add(
            actor=CLI, release=release, provision="5.1-1", content=b"x", filename="a.txt"
        )
    assert "provision" in unassessed.value.fields
    _assess(release, ("5.1-1", "met", ""))
    too_big = b"x" * (assessment.MAX_EVIDENCE_BYTES + 1)
    with pytest.raises(Invalid) as big:
        assessment.assessment_evidence_add(
            actor=CLI, release=release, provision="5.1-1", content=too_big, filename="a.bin"
        )
    assert "file" in big.value.fields
    assert not ReleaseEvidence.objects.filter(item__release=release).exists()
    with pytest.raises(Forbidden):
        _assess_as(UserFactory(role="analyst", scope_units=[unit]), release)


def _assess_as(actor: Any, release: Release) -> None:
    assessment.assessment_record(
        actor=actor, release=release, entries=[assessment.AssessmentEntry("5.1-1", "met")]
    )


def test_the_assessment_api_and_page_work_by_chapter(unit: Any, releases: Any, api_client: Any) -> None:
    release, user = releases[0], engineer(unit)
    client = api_client(user)
    put = client.put(
        f"/api/v1/releases/{release.pk}/assessment",
        {"items": [{"provision": "5.1-1", "state": "met", "note": "random per unit"}]},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json() == {"5.1-1": "met"}
    evidence = client.post(
        f"/api/v1/releases/{release.pk}/assessment/evidence",
        {
            "provision": "5.1-1",
            "filename": "../label scan.pdf",
            "content": base64.b64encode(b"%PDF-1.4").decode(),
        },
        content_type="application/json",
    )
    assert evidence.status_code == 201 and evidence.json()["file_name"] == "label_scan.pdf"
    bad = client.put(
        f"/api/v1/releases/{release.pk}/assessment",
        {"items": [{"provision": "5.1-2", "state": "not_met"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "items[0].note" in bad.json()["error"]["fields"]
    read = client.get(f"/api/v1/releases/{release.pk}/assessment").json()
    assert read["sections"][0]["section"].startswith("5.1")
    assert read["sections"][0]["provisions"][0]["evidence"][0]["file_name"] == "label_scan.pdf"
    page = client.get(f"/products/releases/{release.pk}/assessment")
    assert page.status_code == 200 and "5.13" in page.content.decode()
    posted = client.post(
        f"/products/releases/{release.pk}/assessment",
        {"state-5.1-2": "not_applicable", "note-5.1-2": "user sets it"},
    )
    assert posted.status_code == 302
    assert release.assessment_items.get(urn__endswith=":5.1-2").state == "not_applicable"


def test_the_psti_statement_is_built_from_the_register(unit: Any, releases: Any, api_client: Any) -> None:
    from datetime import date

    release = releases[0]
    Release.objects.filter(pk=release.pk).update(support_end=date(2031, 3, 31), released_on=date(2026, 1, 1))
    client = api_client(engineer(unit))
    draft = client.get(f"/api/v1/products/{release.product_id}/psti-statement").json()
    assert draft["compliant"] is False and draft["support_end"] == "2031-03-31"
    assert [r["met"] for r in draft["requirements"]] == [False, True, True]
    assert draft["requirements"][0]["legal_ref"] == "Regulations 2023, Schedule 1, paragraph 1"
    _assess(release, ("5.1-1", "met", ""), ("5.1-2", "met", ""))
    for provision in ("5.1-1", "5.1-2"):
        assessment.assessment_evidence_add(
            actor=CLI, release=release, provision=provision, content=b"r", filename="r.txt"
        )
    final = client.get(f"/api/v1/products/{release.product_id}/psti-statement").json()
    assert final["compliant"] is True and "5.1-1: met, evidence r.txt" in final["requirements"][0]["evidence"]
    page = client.get(f"/products/{release.product_id}/psti").content.decode()
    assert "declares that this product complies" in page and "2031-03-31" in page
    pdf = client.get(f"/products/{release.product_id}/psti.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_demo_has_a_published_glibc_advisory_and_an_assessed_dome(admin: Any) -> None:
    advisory = Advisory.objects.get(vulnerabilities__0__cve="CVE-2023-4911")
    assert advisory.status == "published" and csaf_problems(csaf_document(advisory)) == []
    dome = Release.objects.get(product__model="NV-DOME-4K", version="5.2.1")
    assert "release.password_evidence_missing" not in _gate(dome).fired
