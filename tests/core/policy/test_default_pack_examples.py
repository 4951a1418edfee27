"""The shipped examples are the policy authors' unit tests: each must pass, and every rule must have some."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conduct.core.policy import DEFAULT_PACK_DIR, GATES, PolicyPack, load_pack, run_examples
from conduct.core.policy._examples import run_example

from .conftest import clean

PACK = load_pack(DEFAULT_PACK_DIR)
FRAMEWORKS_DIR = DEFAULT_PACK_DIR.parents[1] / "frameworks"
FRAMEWORK_SLUGS = {
    "de_lksg",
    "etsi_en_303_645",
    "eu_csddd",
    "eu_dual_use_art5",
    "iso_14001",
    "iso_45001",
    "sa8000",
    "uk_psti",
    "uk_scc_secure_by_default",
    "uk_surveillance_camera_code",
    "ungp",
    "ungp_reporting_framework",
    "us_state_surveillance_guidance_2020",
    "us_uflpa",
}


@pytest.mark.parametrize("example", PACK.examples, ids=lambda e: f"{Path(e.file).stem}:{e.line}:{e.name}")
def test_shipped_example_passes(example) -> None:
    result = run_example(PACK, example)
    assert result.passed, str(result)


def test_run_examples_reports_every_example(pack: PolicyPack) -> None:
    results = run_examples(pack)
    assert len(results) == len(pack.examples)
    assert all(result.passed for result in results)
    assert str(results[0]).startswith("PASS ")


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda rule: rule.id)
def test_every_rule_has_an_example_where_it_fires(rule) -> None:
    firing = [e for e in PACK.examples if rule.id in e.must_fire]
    assert firing, f"{rule.id} has no example that requires it to fire"


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda rule: rule.id)
def test_every_rule_cites_requirements_of_a_known_framework(rule) -> None:
    assert rule.cites
    for urn in rule.cites:
        match = re.match(r"^urn:conduct:([a-z0-9_]+):(.+)$", urn)
        assert match, urn
        assert match.group(1) in FRAMEWORK_SLUGS, urn


def test_the_default_pack_loads_against_the_framework_library() -> None:
    if not FRAMEWORKS_DIR.is_dir():
        pytest.skip("data/frameworks is not built yet")
    from conduct.core.catalog import load_library

    urns = load_library(FRAMEWORKS_DIR).urns()
    load_pack(DEFAULT_PACK_DIR, known_urns=urns)  # raises PolicyError naming any unknown URN
    region_cites = re.findall(
        r"urn:conduct:[^\],\s]+", (DEFAULT_PACK_DIR.parents[1] / "catalog/regions.yaml").read_text()
    )
    assert region_cites and set(region_cites) <= set(urns)


@pytest.mark.parametrize("gate", GATES)
def test_a_clean_subject_is_allowed_with_nothing_fired(pack: PolicyPack, gate: str) -> None:
    decision = pack.evaluate(gate, clean(gate))
    assert decision.outcome == "allow"
    assert decision.reasons == ()
    assert decision.errors == ()
    assert decision.rules_evaluated == len(pack.rules_for(gate))


def test_each_gate_has_its_own_rule_files() -> None:
    """One file per gate, named after it; a gate may have more files named `<gate>_<topic>.yaml`."""
    stems = {path.stem for path in DEFAULT_PACK_DIR.glob("*.yaml")}
    assert set(GATES) <= stems
    for path in DEFAULT_PACK_DIR.glob("*.yaml"):
        [gate] = [g for g in GATES if path.stem == g or path.stem.startswith(f"{g}_")]
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
        assert {g for rule in rules for g in rule["gates"]} == {gate}
