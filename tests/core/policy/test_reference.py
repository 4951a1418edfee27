"""Reference data: countries and risk bands, regions in any spelling, the capability catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conduct.core.policy import DEFAULT_DATA_DIR, PolicyError, ReferenceData, load_reference_data
from conduct.core.policy._reference import fold_text


def test_reference_data_has_every_iso_country(reference: ReferenceData) -> None:
    assert len(reference.countries) == 250  # 249 ISO 3166-1 codes + XK
    assert reference.country("PR").rated is False
    assert reference.version.startswith("sha256:")


@pytest.mark.parametrize(
    ("code", "high_hr_risk", "basis", "labour_worst"),
    [
        ("CN", True, "fh2026_status = Not Free", False),
        ("BO", False, "fh2026_status = Free", False),  # Partly Free in FIW 2025, Free in FIW 2026
        ("SD", True, "fh_status = Not Free", True),  # no FIW 2026 value: falls back to FIW 2025
        ("MM", True, "fh2026_status = Not Free", True),
        ("DE", False, "fh2026_status = Free", False),
    ],
)
def test_risk_bands_come_from_the_table(reference, code, high_hr_risk, basis, labour_worst) -> None:
    fact = reference.country(code).fact()
    assert (fact["high_hr_risk"], fact["high_hr_risk_basis"], fact["labour_rights_worst"]) == (
        high_hr_risk, basis, labour_worst
    )  # fmt: skip


def test_unrated_is_not_low_risk_but_says_so(reference: ReferenceData) -> None:
    fact = reference.country("KP").fact()
    assert fact["labour_rights_worst"] is False and fact["labour_rights_worst_unrated"] is True


def test_eu_membership(reference: ReferenceData) -> None:
    assert sum(country.in_eu for country in reference.countries.values()) == 27
    assert reference.country("IE").in_eu and not reference.country("GB").in_eu


@pytest.mark.parametrize(
    "text", ["Xinjiang", "XUAR", "Xinjiang Uyghur Autonomous Region", "新疆", "CN-XJ", "CN-65", "cn_xj",
             "XINJIANG UIGHUR AUTONOMOUS REGION", "Xīnjiāng", "Sinkiang", "East Turkestan", "乌鲁木齐市"],
)  # fmt: skip
def test_xinjiang_in_any_spelling(reference: ReferenceData, text: str) -> None:
    [region] = reference.regions_for(text, "CN")
    assert region.id == "CN-XJ"
    assert set(region.kinds) == {"forced_labour_import_presumption", "mass_surveillance_of_minorities"}
    assert region.designations[0].source


def test_fold_text_ignores_case_accents_and_punctuation() -> None:
    assert fold_text("  Ürümqi, XINJIANG-Uighur A.R. ") == "urumqi xinjiang uyghur a r"


def test_capability_aliases(reference: ReferenceData) -> None:
    assert reference.capability("ANPR")[0] == "licence_plate_recognition"
    assert reference.capability("License Plate Recognition")[1].tier == "high"
    assert reference.capability("face-recognition")[0] == "facial_recognition"
    assert reference.capability("quantum_sensing") == ("quantum_sensing", None)


def test_the_catalog_has_the_required_tiers(reference: ReferenceData) -> None:
    tiers: dict[str, set[str]] = {}
    for capability in reference.capabilities.values():
        tiers.setdefault(capability.tier, set()).add(capability.id)
    assert tiers["prohibited"] == {
        "ethnicity_detection",
        "race_classification",
        "religion_inference",
        "sexual_orientation_inference",
        "political_opinion_inference",
        "minority_tracking",
    }
    assert len(tiers["high"]) == 11 and len(tiers["standard"]) == 8  # fmt: skip


def test_broken_reference_data_is_reported_with_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_DATA_DIR / "countries", tmp_path / "countries")
    shutil.copytree(DEFAULT_DATA_DIR / "catalog", tmp_path / "catalog")
    shutil.copytree(DEFAULT_DATA_DIR / "sanctions", tmp_path / "sanctions")
    catalog = tmp_path / "catalog" / "capabilities.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("tier: standard", "tier: low", 1), encoding="utf-8"
    )
    with pytest.raises(PolicyError) as caught:
        load_reference_data(tmp_path)
    [problem] = caught.value.problems
    assert problem.file == "catalog/capabilities.yaml" and problem.line is not None
    assert "tier must be one of prohibited, high, standard" in problem.message
