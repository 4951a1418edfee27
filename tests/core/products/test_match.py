"""Matching components to records through the index: the same answers as judging every pair, explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conduct.core.products import (
    Component,
    VulnIndex,
    VulnRecord,
    kev_target,
    match_brute_force,
    read_cve5,
    read_kev,
)

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo" / "products" / "vulnerabilities"


def _records() -> list[VulnRecord]:
    return [read_cve5(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(DEMO.glob("CVE-*.json"))]


COMPONENTS = [
    Component("openssl", "1.1.1k"),
    Component("openssl", "1.1.1n"),
    Component("openssl", "3.0.15"),
    Component("glibc", "2.38"),
    Component("glibc", "2.40"),
    Component("busybox", "1.33.1"),
    Component("curl", "8.3.0"),
    Component("curl", "7.68.0"),
    Component("zlib", "1.2.11"),
    Component("dropbear", "2020.81"),
    Component("libfoo", "1.0"),
    Component("lib", "", cpe="cpe:2.3:a:openssl:openssl:1.1.1l:*:*:*:*:*:*:*"),
]


def _found(result: object) -> set[tuple[str, str, str]]:
    return {(f.component, f.version, f.cve) for f in result.findings}  # type: ignore[attr-defined]


def test_the_index_gives_the_same_answer_as_the_brute_force() -> None:
    records = _records()
    assert VulnIndex(records).match(COMPONENTS) == match_brute_force(COMPONENTS, records)


def test_openssl_letter_releases_are_matched_by_their_range() -> None:
    found = _found(VulnIndex(_records()).match(COMPONENTS))
    assert ("openssl", "1.1.1k", "CVE-2022-0778") in found  # affected 1.1.1-1.1.1m
    assert ("openssl", "1.1.1n", "CVE-2022-0778") not in found  # fixed in 1.1.1n
    assert ("lib", "1.1.1l", "CVE-2022-0778") in found  # found by its CPE, version from the CPE


def test_glibc_in_range_carries_its_kev_flag_and_the_matched_range() -> None:
    result = VulnIndex(_records()).match(COMPONENTS)
    (looney,) = [f for f in result.findings if f.cve == "CVE-2023-4911" and f.version == "2.38"]
    assert looney.matched_range == ">=2.34, <2.39" and looney.source == "cna"
    assert ("glibc", "2.40", "CVE-2023-4911") not in _found(result)


def test_curl_below_the_unaffected_bound_is_not_reported() -> None:
    found = _found(VulnIndex(_records()).match(COMPONENTS))
    assert ("curl", "8.3.0", "CVE-2023-38545") in found
    assert ("curl", "7.68.0", "CVE-2023-38545") not in found


def test_a_kev_entry_without_a_record_is_unknown_for_its_product() -> None:
    _, entries = read_kev(
        {
            "catalogVersion": "x",
            "vulnerabilities": [{"cveID": "CVE-2014-0160", "vendorProject": "OpenSSL", "product": "OpenSSL"}],
        }
    )
    kev_only = VulnRecord(cve="CVE-2014-0160", kev=True, targets=(kev_target(entries[0]),), source="kev")
    result = VulnIndex([kev_only]).match([Component("openssl", "1.0.1f")])
    assert not result.findings
    (unknown,) = result.unknown
    assert unknown.kev and unknown.cve == "CVE-2014-0160" and "no version range" in unknown.reason


@pytest.mark.parametrize("name", ["libcurl", "LibCurl"])
def test_common_aliases_name_the_same_component(name: str) -> None:
    assert "CVE-2023-38545" in {
        f.cve for f in VulnIndex(_records()).match([Component(name, "8.0.1")]).findings
    }
