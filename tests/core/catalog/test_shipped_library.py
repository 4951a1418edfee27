"""The framework library shipped in data/frameworks loads, validates and matches its research digests."""

from pathlib import Path

import pytest
import yaml

from conduct.core.catalog import FrameworkLibrary, load_library, parse_urn

from .conftest import LIBRARY_DIR

EXPECTED_COUNTS = {
    "de_lksg": 11,
    "etsi_en_303_645": 67,
    "eu_csddd": 12,
    "eu_dual_use_art5": 10,
    "iso_14001": 13,
    "iso_45001": 13,
    "sa8000": 34,
    "uk_psti": 6,
    "uk_scc_secure_by_default": 16,
    "uk_surveillance_camera_code": 13,
    "ungp": 26,
    "ungp_reporting_framework": 35,
    "us_state_surveillance_guidance_2020": 14,
    "us_uflpa": 9,
}

# The research digests live in the shared folder beside the repository; the parity test skips without them.
DIGEST_DIR = LIBRARY_DIR.parents[2] / "shared" / "reference" / "standards"


def test_all_shipped_frameworks_load_and_validate(library: FrameworkLibrary) -> None:
    assert [framework.slug for framework in library.frameworks] == sorted(EXPECTED_COUNTS)


def test_each_framework_has_the_expected_number_of_requirements(library: FrameworkLibrary) -> None:
    counts = {framework.slug: len(framework.requirements) for framework in library.frameworks}
    assert counts == EXPECTED_COUNTS
    assert all(count > 0 for count in counts.values())
    assert len(library.requirements) == sum(EXPECTED_COUNTS.values()) == 279


def test_every_requirement_urn_carries_its_framework_slug_and_id(library: FrameworkLibrary) -> None:
    for framework in library.frameworks:
        for requirement in framework.requirements:
            assert parse_urn(requirement.urn) == (framework.slug, requirement.id)
            assert requirement.framework == framework.slug
            assert requirement.evidence_examples


def test_every_framework_keeps_its_sources_and_confidence_notes(library: FrameworkLibrary) -> None:
    for framework in library.frameworks:
        assert framework.sources, framework.slug
        assert framework.confidence_note, framework.slug
        assert framework.digest_file.endswith(".yaml")
        assert framework.path.endswith(f"{framework.slug}.yaml")


def test_urns_relied_on_by_gate_policies_exist(library: FrameworkLibrary) -> None:
    for urn in [
        "urn:conduct:etsi_en_303_645:5.1-1",
        "urn:conduct:etsi_en_303_645:5.3-13",
        "urn:conduct:uk_psti:PSTI-S1",
        "urn:conduct:sa8000:SA8000-7.a",
        "urn:conduct:ungp:UNGP-31b",
        "urn:conduct:ungp_reporting_framework:C6.2",
        "urn:conduct:iso_45001:CERT-04",
        "urn:conduct:iso_14001:CERT-04",
        "urn:conduct:us_uflpa:UFLPA-5",
        "urn:conduct:eu_dual_use_art5:DU-5.2",
        "urn:conduct:eu_csddd:CSDDD-14",
        "urn:conduct:de_lksg:LKSG-8",
        "urn:conduct:uk_scc_secure_by_default:SBD-DEF-01",
        "urn:conduct:uk_surveillance_camera_code:SCC-P06",
        "urn:conduct:us_state_surveillance_guidance_2020:DOS-RF-6",
    ]:
        assert library.get(urn) is not None, urn


def test_thresholds_stay_machine_readable(library: FrameworkLibrary) -> None:
    hours = library.requirements["urn:conduct:sa8000:SA8000-7.c"].threshold
    assert hours["max_overtime_hours_per_week"] == 12
    assert hours["overtime_premium_required"] is True


def test_the_library_version_is_a_stable_content_hash(library: FrameworkLibrary) -> None:
    assert len(library.version) == 64
    assert load_library(LIBRARY_DIR).version == library.version


def test_the_library_version_does_not_depend_on_where_it_is_loaded_from(
    library: FrameworkLibrary, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    for source in LIBRARY_DIR.rglob("*.yaml"):
        target = copy / source.relative_to(LIBRARY_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    assert load_library(copy).version == library.version


@pytest.mark.skipif(
    not DIGEST_DIR.is_dir(), reason="research digests (shared/reference/standards) not present"
)
def test_no_digest_entry_was_dropped_from_the_library(library: FrameworkLibrary) -> None:
    expected: set[str] = set()
    for digest_file in sorted(DIGEST_DIR.glob("*.yaml")):
        digest = yaml.safe_load(digest_file.read_text(encoding="utf-8"))
        for entry in digest["requirements"]:
            if digest_file.stem != "iso_45001_14001":
                slugs = [digest_file.stem]
            elif entry["id"].startswith("ISO45001-"):
                slugs = ["iso_45001"]
            elif entry["id"].startswith("ISO14001-"):
                slugs = ["iso_14001"]
            else:  # CERT-xx entries apply to certificates of both standards
                slugs = ["iso_45001", "iso_14001"]
            expected.update(f"urn:conduct:{slug}:{entry['id']}" for slug in slugs)
    assert expected == library.urns()


def test_the_state_department_annexes_keep_the_capability_categories(library: FrameworkLibrary) -> None:
    annexes = {annex.id: annex for annex in library.framework("us_state_surveillance_guidance_2020").annexes}
    categories = annexes["capability-categories"]
    assert [item.id for item in categories.items] == [
        "CAP-SENSORS",
        "CAP-BIOMETRIC",
        "CAP-ANALYTICS",
        "CAP-INTERNET",
        "CAP-LOCATION",
        "CAP-RECORDING",
    ]
    assert "facial recognition" in categories.items[1].examples
