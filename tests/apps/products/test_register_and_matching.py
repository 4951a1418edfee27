"""The product register end to end: CSV import all or nothing, SBOM import (refusals change nothing),
vulnerability loads (bad files refuse the load; reload updates; KEV flags kept), the match JSON shape, VEX
ledgered and exported, and the product_release gate reading the register."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Forbidden, Invalid
from conduct.apps.gates.services import gate_evaluate
from conduct.apps.products import selectors, services
from conduct.apps.products.models import Component, Product, Release, Vulnerability
from tests.factories.accounts import UserFactory
from tests.factories.products import BusinessUnitFactory, ProductFactory

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[3] / "data" / "demo" / "products"


def cdx(*components: tuple[str, str]) -> str:
    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "components": [{"type": "library", "name": n, "version": v} for n, v in components],
        }
    )


def cve_record(cve: str, product: str, below: str, cvss: float | None = None) -> tuple[str, str]:
    cna: dict[str, Any] = {
        "affected": [
            {
                "vendor": product,
                "product": product,
                "versions": [{"version": "0", "lessThan": below, "status": "affected"}],
            }
        ]
    }
    if cvss is not None:
        cna["metrics"] = [{"cvssV3_1": {"baseScore": cvss}}]
    record = {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": cve}, "containers": {"cna": cna}}
    return f"{cve}.json", json.dumps(record)


def kev(*cves: tuple[str, str]) -> tuple[str, str]:
    rows = [{"cveID": c, "vendorProject": p, "product": p, "dateAdded": "2025-01-01"} for c, p in cves]
    return "kev.json", json.dumps({"catalogVersion": "test", "vulnerabilities": rows})


@pytest.fixture
def unit() -> Any:
    return BusinessUnitFactory(code="bu-test-cams")


def test_products_import_is_all_or_nothing_with_row_errors(unit: Any) -> None:
    text = (
        "model,name,type,business_unit,capabilities\n"
        "T-1,Dome,ip_camera,bu-test-cams,motion_detection;line crossing\n"
        "T-2,,toaster,bu-nowhere,telepathy\n"
    )
    with pytest.raises(Invalid) as refused:
        services.products_import(actor=CLI, text=text)
    assert {"line 3.name", "line 3.type", "line 3.business_unit", "line 3.capabilities"} <= set(
        refused.value.fields
    )
    assert not Product.objects.filter(model="T-1").exists()
    created = services.products_import(actor=CLI, text=text.rsplit("T-2", 1)[0])
    assert [(p.model, p.capabilities) for p in created] == [("T-1", ["motion_detection", "line_crossing"])]


def test_the_cli_lists_products_as_json_and_refuses_a_bad_file_in_one_line(unit: Any, tmp_path: Path) -> None:
    ProductFactory(model="T-LIST", business_unit=unit)
    out = StringIO()
    call_command("products_list", "--json", stdout=out)
    assert "T-LIST" in {p["model"] for p in json.loads(out.getvalue())["products"]}
    bad = tmp_path / "bad.csv"
    bad.write_text("model,name\nX,Y\n")
    with pytest.raises(CommandError) as refused:
        call_command("products_import", str(bad))
    assert "\n" not in str(refused.value) and "header" in str(refused.value)


def test_a_malformed_sbom_is_refused_with_the_reason_and_nothing_lands(unit: Any) -> None:
    product = ProductFactory(business_unit=unit)
    before = LedgerEntry.objects.count()
    with pytest.raises(Invalid) as refused:
        services.sbom_import(
            actor=CLI,
            model=product.model,
            version="1.0",
            text='{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}',
        )
    assert "required" in refused.value.fields["file"]
    assert not Release.objects.filter(product=product).exists()  # the release was not created either
    assert LedgerEntry.objects.count() == before


def test_an_sbom_creates_the_release_and_a_new_import_replaces_its_components(unit: Any) -> None:
    product = ProductFactory(business_unit=unit)
    services.sbom_import(
        actor=CLI, model=product.model, version="2.0", text=cdx(("openssl", "1.1.1k"), ("zlib", "1.2.11"))
    )
    release = Release.objects.get(product=product, version="2.0")
    services.sbom_import(actor=CLI, model=product.model, version="2.0", text=cdx(("openssl", "1.1.1w")))
    assert list(Component.objects.filter(release=release).values_list("name", "version")) == [
        ("openssl", "1.1.1w")
    ]
    assert release.sbom.component_count == 1


def test_a_bad_vulnerability_file_refuses_the_whole_load(unit: Any) -> None:
    good = cve_record("CVE-2099-1000", "zlib", "1.2.12")
    with pytest.raises(Invalid) as refused:
        services.vulns_load(actor=CLI, documents=[good, ("bad.json", "{not json"), ("odd.json", "{}")])
    assert set(refused.value.fields) == {"bad.json", "odd.json"}
    assert not Vulnerability.objects.filter(cve="CVE-2099-1000").exists()


def test_reloading_updates_and_keeps_the_kev_flag(unit: Any) -> None:
    services.vulns_load(actor=CLI, documents=[kev(("CVE-2099-1001", "zlib"))])
    assert Vulnerability.objects.get(cve="CVE-2099-1001").source == "kev"
    services.vulns_load(actor=CLI, documents=[cve_record("CVE-2099-1001", "zlib", "1.2.12", cvss=9.8)])
    found = Vulnerability.objects.get(cve="CVE-2099-1001")
    assert (found.kev, found.cvss, found.source) == (True, 9.8, "cve5")


def test_match_json_has_the_exact_shape_and_vex_states(unit: Any) -> None:
    product = ProductFactory(model="T-MATCH", business_unit=unit)
    services.sbom_import(
        actor=CLI, model=product.model, version="1.0", text=cdx(("testzlib", "1.2.11"), ("testbox", ""))
    )
    services.vulns_load(
        actor=CLI,
        documents=[
            cve_record("CVE-2099-2000", "testzlib", "1.2.12", 9.8),
            cve_record("CVE-2099-2001", "testbox", "1.34"),
        ],
    )
    release = Release.objects.get(product=product)
    services.vex_record(actor=CLI, release=release, cve="CVE-2099-2000", state="under_investigation")
    out = StringIO()
    call_command("vulns_match", "T-MATCH", "1.0", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"model", "version", "findings", "unknown"}
    (finding,) = result["findings"]
    assert finding == {
        "component": "testzlib",
        "version": "1.2.11",
        "cve": "CVE-2099-2000",
        "cvss": 9.8,
        "kev": False,
        "matched_range": "<1.2.12",
        "vex": "under_investigation",
    }
    assert [(u["component"], u["cve"]) for u in result["unknown"]] == [("testbox", "CVE-2099-2001")]


def test_vex_is_product_securitys_ledgered_and_exported_as_cyclonedx(unit: Any) -> None:
    release = Release.objects.create(product=ProductFactory(business_unit=unit), version="1.0")
    officer = UserFactory(role="compliance_officer", scope_units=[unit])
    with pytest.raises(Forbidden):
        services.vex_record(actor=officer, release=release, cve="CVE-2099-3000", state="affected")
    engineer = UserFactory(role="product_security", scope_units=[unit])
    with pytest.raises(Invalid) as refused:
        services.vex_record(actor=engineer, release=release, cve="CVE-2099-3000", state="not_affected")
    assert "justification" in refused.value.fields
    services.vex_record(
        actor=engineer,
        release=release,
        cve="CVE-2099-3000",
        state="not_affected",
        justification="code_not_present",
    )
    entry = LedgerEntry.objects.filter(action="vex.record").latest("seq")
    assert entry.summary["cve"] == "CVE-2099-3000" and entry.summary["state"] == "not_affected"
    document = selectors.vex_document(actor=engineer, release=release)
    assert document["vulnerabilities"][0]["analysis"]["state"] == "not_affected"  # type: ignore[index]


def test_the_gate_reads_the_register_and_names_each_source(unit: Any) -> None:
    product = ProductFactory(model="T-GATE", business_unit=unit)
    services.sbom_import(actor=CLI, model=product.model, version="3.0", text=cdx(("testglibc", "2.38")))
    services.vulns_load(
        actor=CLI,
        documents=[
            cve_record("CVE-2099-4000", "testglibc", "2.39", 7.8),
            kev(("CVE-2099-4000", "testglibc")),
        ],
    )
    decision = gate_evaluate(
        gate="product_release", subject={"release": {"model": "T-GATE", "version": "3.0"}}
    )
    assert decision.outcome == "deny"
    assert "release.known_exploited_vulnerability" in decision.fired
    assert "release.support_period_missing" in decision.fired  # no support period in the register: deny
    kev_reason = next(r for r in decision.reasons if r.rule == "release.known_exploited_vulnerability")
    assert "SBOM component testglibc 2.38" in kev_reason.message and "CVE-2099-4000" in kev_reason.message
    release = Release.objects.get(product=product)
    services.vex_record(
        actor=CLI, release=release, cve="CVE-2099-4000", state="fixed", detail="patched glibc"
    )
    after = gate_evaluate(gate="product_release", subject={"release": {"model": "T-GATE", "version": "3.0"}})
    assert "release.known_exploited_vulnerability" not in after.fired


def test_the_gate_marks_a_security_block_as_self_declared_and_ignores_a_forged_register(unit: Any) -> None:
    product = ProductFactory(model="T-SELF", business_unit=unit)
    services.sbom_import(actor=CLI, model=product.model, version="1.0", text=cdx(("testzlib", "1.3.1")))
    subject = {
        "release": {"model": "T-SELF", "version": "1.0"},
        "register": {"findings": [], "support_end": "2099-01-01"},  # not believed
        "security": {
            "unique_default_passwords": False,
            "vulnerability_disclosure_policy": True,
            "insecure_services_enabled": [],
            "open_vulnerabilities": [],
            "signed_firmware": True,
        },
    }
    decision = gate_evaluate(gate="product_release", subject=subject)
    password = next(r for r in decision.reasons if r.rule == "release.universal_default_password")
    assert "self-declared" in password.message
    assert "release.support_period_missing" in decision.fired


def test_the_gate_refuses_a_release_the_register_does_not_have() -> None:
    with pytest.raises(Invalid) as refused:
        gate_evaluate(gate="product_release", subject={"release": {"model": "NOPE", "version": "1"}})
    assert "release" in refused.value.fields


def test_security_txt_follows_rfc_9116_from_settings(client: Any, settings: Any) -> None:
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@example.invalid"
    assert fields["Policy"] == "https://example.invalid/security/policy"
    assert fields["Canonical"].endswith("/.well-known/security.txt") and fields["Preferred-Languages"] == "en"
    assert fields["Expires"].endswith("Z")
    settings.SECURITY_TXT_CONTACTS = []
    assert client.get("/.well-known/security.txt").status_code == 404


def test_a_decider_reads_only_the_releases_of_their_business_units(unit: Any) -> None:
    """A user who may decide gates learns nothing of another business unit's release through the gate."""
    from conduct.apps.gates.services import gate_try

    ProductFactory(model="T-SCOPE", business_unit=unit)
    services.sbom_import(actor=CLI, model="T-SCOPE", version="1.0", text=cdx(("testzlib", "1.3.1")))
    subject = {"release": {"model": "T-SCOPE", "version": "1.0"}}
    inside = UserFactory(role="liaison", scope_units=[unit])
    outside = UserFactory(role="liaison")
    assert gate_try(actor=inside, gate="product_release", subject=subject).outcome in (
        "allow",
        "review",
        "deny",
    )
    with pytest.raises(Invalid) as refused:
        gate_try(actor=outside, gate="product_release", subject=subject)
    assert refused.value.fields["release"] == "No release T-SCOPE 1.0 in the product register."
