"""Reading CVE JSON 5, OSV and KEV records, and the range conventions real CNAs publish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conduct.core.products import (
    RecordError,
    cve5_ranges,
    detect_format,
    read_cve5,
    read_kev,
    read_osv,
    targets_from_json,
    targets_to_json,
    text_ranges,
)
from tests.core.products import SHARED_DATA

SHARED = SHARED_DATA
DEMO = Path(__file__).resolve().parents[3] / "data" / "demo" / "products" / "vulnerabilities"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data/product-security not present")


def _record(name: str) -> Any:
    path = SHARED / "cve" / f"{name}.json"
    if not path.is_file():
        path = DEMO / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_openssl_fixed_in_text_is_read_as_an_inclusive_span() -> None:
    (found,) = text_ranges("Fixed in OpenSSL 1.1.1n (Affected 1.1.1-1.1.1m)") or ()
    assert (found.introduced, found.last_affected) == ("1.1.1", "1.1.1m")


def test_openssl_list_of_affected_versions_is_read_as_exact_versions() -> None:
    found = text_ranges("Fixed in OpenSSL 3.0.2 (Affected 3.0.0,3.0.1)") or ()
    assert [r.exact for r in found] == ["3.0.0", "3.0.1"]


def test_fixed_in_alone_means_affected_below_it() -> None:
    (found,) = text_ranges("Fixed in 7.86.0") or ()
    assert found.fixed == "7.86.0" and found.introduced is None


def test_unspecified_lower_bound_is_a_range_below_the_bound() -> None:
    ranges = cve5_ranges([{"version": "unspecified", "lessThan": "1.34.0", "status": "affected"}], None)
    assert ranges.verdict("1.33.2") == ("affected", "<1.34.0")
    assert ranges.verdict("1.34.0") == ("clear", "")


def test_curl_pairs_affected_below_x_with_unaffected_below_y() -> None:
    versions = [
        {"version": "8.4.0", "status": "affected", "lessThan": "8.4.0", "versionType": "semver"},
        {"version": "7.69.0", "status": "unaffected", "lessThan": "7.69.0", "versionType": "semver"},
    ]
    ranges = cve5_ranges(versions, None)
    assert ranges.verdict("8.3.0")[0] == "affected"
    assert ranges.verdict("7.68.0")[0] == "clear"
    assert ranges.verdict("8.4.0")[0] == "clear"


def test_na_and_missing_ranges_are_unknown_never_safe() -> None:
    assert cve5_ranges([{"version": "n/a", "status": "affected"}], None).verdict("1.0")[0] == "unknown"
    assert cve5_ranges(None, None).verdict("1.0")[0] == "unknown"
    unread = cve5_ranges([{"version": "Build date before 230821", "status": "affected"}], None)
    assert unread.verdict("V4.1.60")[0] == "unknown"


def test_a_component_without_a_version_is_unknown() -> None:
    ranges = cve5_ranges([{"version": "3.0.0", "lessThan": "3.0.7", "status": "affected"}], "unaffected")
    assert ranges.verdict("")[0] == "unknown"


@needs_shared
def test_cvss_comes_from_the_cna_or_else_the_adp() -> None:
    assert read_cve5(_record("CVE-2022-28173")).cvss_source == "cna"
    adp = read_cve5(_record("CVE-2021-36260"))
    assert (adp.cvss, adp.cvss_source) == (9.8, "adp:CISA-ADP")
    assert read_cve5(_record("CVE-2022-3786")).cvss is None  # OpenSSL's text severity only


@needs_shared
def test_mitre_descriptions_give_a_range_when_no_product_is_named() -> None:
    record = read_cve5(_record("CVE-2021-28831"))  # "BusyBox through 1.32.1"
    (target,) = record.targets
    assert target.source == "description" and "name:busybox" in target.keys
    assert target.ranges.verdict("1.32.1")[0] == "affected"
    assert target.ranges.verdict("1.33.0")[0] == "clear"


@needs_shared
def test_every_shipped_record_reads_and_round_trips_through_json() -> None:
    for path in sorted((SHARED / "cve").glob("*.json")):
        record = read_cve5(json.loads(path.read_text(encoding="utf-8")), path.name)
        assert record.cve == path.stem
        assert targets_from_json(targets_to_json(record.targets)) == record.targets


@needs_shared
def test_the_kev_catalogue_reads_every_entry() -> None:
    data = json.loads((SHARED / "kev" / "known_exploited_vulnerabilities.json").read_text(encoding="utf-8"))
    assert detect_format(data) == "kev"
    version, entries = read_kev(data)
    assert version == "2025.08.25" and len(entries) == 1404
    assert any(e.cve == "CVE-2023-4911" and e.product == "GNU C Library" for e in entries)


def test_osv_events_become_ranges_and_the_cve_alias_names_the_record() -> None:
    record = read_osv(
        {
            "id": "GHSA-xxxx",
            "aliases": ["CVE-2024-0001"],
            "affected": [
                {
                    "package": {"ecosystem": "Debian", "name": "zlib", "purl": "pkg:generic/zlib"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.12"}]}],
                }
            ],
            "database_specific": {"cvss_score": 9.8},
        }
    )
    assert record.cve == "CVE-2024-0001" and record.cvss == 9.8
    assert record.targets[0].ranges.verdict("1.2.11") == ("affected", "<1.2.12")


@pytest.mark.parametrize(
    "document",
    [{}, {"dataType": "CVE_RECORD"}, {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "X"}}, []],
)
def test_bad_cve_records_are_refused_with_a_reason(document: Any) -> None:
    with pytest.raises(RecordError) as refused:
        read_cve5(document, "bad.json")
    assert refused.value.message and refused.value.where == "bad.json"


def test_a_kev_catalogue_with_a_bad_cve_id_is_refused() -> None:
    with pytest.raises(RecordError, match="cveID"):
        read_kev({"catalogVersion": "1", "vulnerabilities": [{"cveID": "nope"}]})
