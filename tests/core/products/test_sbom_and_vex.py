"""SBOM reading (CycloneDX 1.2-1.6, SPDX 2.3), refusals with a reason, and the CycloneDX VEX export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conduct.core.products import SbomError, VexStatement, cyclonedx_vex, read_sbom, vex_problems
from tests.core.products import SHARED_DATA

SHARED = SHARED_DATA / "sbom"
DEMO = Path(__file__).resolve().parents[3] / "data" / "demo" / "products"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data/product-security not present")


def spdx_document(**package: Any) -> dict[str, Any]:
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "camera-firmware",
        "documentNamespace": "https://example.com/spdx/camera-firmware-1",
        "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: test"]},
        "packages": [
            {
                "SPDXID": "SPDXRef-openssl",
                "name": "openssl",
                "versionInfo": "1.1.1k",
                "downloadLocation": "NOASSERTION",
                "supplier": "Organization: OpenSSL",
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": "pkg:generic/openssl@1.1.1k",
                    },
                    {
                        "referenceCategory": "SECURITY",
                        "referenceType": "cpe23Type",
                        "referenceLocator": "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*",
                    },
                ],
                **package,
            }
        ],
        "relationships": [
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": "SPDXRef-openssl",
            }
        ],
    }


@needs_shared
@pytest.mark.parametrize(
    ("name", "version", "count"),
    [
        ("laravel-7.12.0.bom.1.4.json", "1.4", 62),
        ("proton-bridge-v1.8.0.bom.json", "1.2", 201),
        ("valid-component-identifiers-1.6.json", "1.6", 1),
    ],
)
def test_it_reads_the_real_cyclonedx_examples(name: str, version: str, count: int) -> None:
    sbom = read_sbom((SHARED / name).read_text(encoding="utf-8"))
    assert (sbom.format, sbom.spec_version, len(sbom.components)) == ("cyclonedx", version, count)
    assert all(c.purl.startswith("pkg:") for c in sbom.components)


@needs_shared
def test_it_keeps_a_components_cpe_and_purl() -> None:
    (component,) = read_sbom((SHARED / "valid-component-identifiers-1.6.json").read_text()).components
    assert component.cpe.startswith("cpe:2.3:a:example:acme-library") and component.purl.startswith(
        "pkg:maven"
    )


def test_it_reads_the_demo_firmware_sbom_with_suppliers() -> None:
    sbom = read_sbom((DEMO / "nv-nvr-32-3.9.0.cdx.json").read_text(encoding="utf-8"))
    glibc = next(c for c in sbom.components if c.name == "glibc")
    assert (glibc.version, glibc.supplier) == ("2.38", "GNU")


def test_it_reads_an_spdx_2_3_document() -> None:
    (package,) = read_sbom(json.dumps(spdx_document())).components
    assert (package.name, package.version, package.supplier) == ("openssl", "1.1.1k", "OpenSSL")
    assert package.cpe.startswith("cpe:2.3:a:openssl") and package.purl == "pkg:generic/openssl@1.1.1k"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "not JSON"),
        ("[]", "not a JSON object"),
        ("{}", "neither CycloneDX"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.1"}', "not supported"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}', "components/0"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": "one"}', "schema"),
        ('{"spdxVersion": "SPDX-2.2"}', "not supported"),
        ('{"bomFormat": "CycloneDX"}\x00', "NUL"),
    ],
)
def test_malformed_sboms_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(SbomError, match=reason):
        read_sbom(text)


def test_an_spdx_package_without_its_download_location_is_refused() -> None:
    document = spdx_document()
    del document["packages"][0]["downloadLocation"]
    with pytest.raises(SbomError, match="SPDX"):
        read_sbom(json.dumps(document))


def test_vex_states_need_a_justification_only_when_not_affected() -> None:
    assert set(vex_problems("not_affected", "")) == {"justification"}
    assert vex_problems("not_affected", "code_not_present") == {}
    assert set(vex_problems("affected", "code_not_present")) == {"justification"}
    assert set(vex_problems("exploited", "")) == {"state"}


def test_the_vex_export_is_cyclonedx_with_each_analysis() -> None:
    document = cyclonedx_vex(
        model="NV-NVR-32",
        name="NV-Recorder 32",
        version="3.9.0",
        statements=[
            VexStatement("CVE-2023-4911", "fixed", detail="glibc 2.39 in 3.9.1"),
            VexStatement("CVE-2024-2961", "not_affected", "code_not_reachable"),
        ],
        serial="urn:uuid:00000000-0000-0000-0000-000000000001",
    )
    states = {v["id"]: v["analysis"] for v in document["vulnerabilities"]}  # type: ignore[union-attr]
    assert states["CVE-2023-4911"]["state"] == "resolved"
    assert states["CVE-2024-2961"] == {"state": "not_affected", "justification": "code_not_reachable"}
    assert read_sbom(json.dumps(document)).format == "cyclonedx"  # valid against the CycloneDX 1.6 schema
