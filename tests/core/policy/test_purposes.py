"""Deployment purposes: the vocabulary, the facts a deal's deployment gives, and the default pack's rules."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conduct.core.policy import DEFAULT_DATA_DIR, PolicyError, PolicyPack, ReferenceData, load_reference_data
from conduct.core.policy._purposes import deployment_facts

from .conftest import clean

RULED_OUT = (
    "protest_monitoring",
    "protected_characteristic_profiling",
    "tracking_journalists_activists_defenders",
)


def police_deal(**deployment: Any) -> dict[str, Any]:
    subject = clean("sales_deal")
    subject["parties"] = [
        {"role": "end_user", "name": "Police Directorate", "country": "EG", "sector": "law_enforcement"}
    ]
    subject["items"] = [{"sku": "CAM-FR", "capabilities": ["facial_recognition"], "quantity": 500}]
    subject["deployment"] = {
        "public_space": True,
        "camera_count": 500,
        "purpose": "city cameras",
        **deployment,
    }
    return subject


def test_the_vocabulary_ships_the_ruled_out_purposes_with_their_citations(reference: ReferenceData) -> None:
    prohibited = {p.id: p for p in reference.purposes.values() if p.tier == "prohibited"}
    assert set(prohibited) == set(RULED_OUT)
    for purpose in prohibited.values():
        assert any(cite.startswith("urn:conduct:ungp:") for cite in purpose.cites)
        assert any("us_state_surveillance_guidance_2020" in cite for cite in purpose.cites)
        assert purpose.terms


@pytest.mark.parametrize("purpose", RULED_OUT)
def test_a_ruled_out_purpose_picked_from_the_list_denies(pack: PolicyPack, purpose: str) -> None:
    decision = pack.evaluate("sales_deal", police_deal(purposes=[purpose]))
    assert decision.outcome == "deny"
    assert f"sales.purpose.{purpose}" in decision.fired
    reason = next(r for r in decision.reasons if r.rule == f"sales.purpose.{purpose}")
    assert reason.outcome == "deny" and reason.cites


def test_the_issue_example_protest_monitoring_police_facial_recognition(pack: PolicyPack) -> None:
    """500 facial-recognition cameras for a Not Free country's police: in words only it is review, naming
    the word; picked from the list it is deny."""
    in_words = pack.evaluate("sales_deal", police_deal(purpose="for protest monitoring"))
    assert in_words.outcome == "review"
    mention = next(r for r in in_words.reasons if r.rule == "sales.purpose.text_mentions_prohibited")
    assert '"protest"' in mention.message and "Monitoring peaceful assembly or protest" in mention.message
    picked = pack.evaluate(
        "sales_deal", police_deal(purpose="for protest monitoring", purposes=["Protest monitoring"])
    )
    assert picked.outcome == "deny"
    assert "sales.purpose.text_mentions_prohibited" not in picked.fired  # stated, so not asked again


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Monitoring the PROTESTS downtown", "protests"),
        ("检查游行路线", "游行"),
        ("track human-rights defenders", "human rights defenders"),
        ("Protestant church car park", None),  # whole words only
        ("footfall counting", None),
    ],
)
def test_free_text_mentions_are_whole_words_or_chinese_substrings(
    reference: ReferenceData, text: str, found: str | None
) -> None:
    facts = deployment_facts(reference.purposes, {"public_space": False, "camera_count": 1, "purpose": text})
    terms = [m["term"] for m in facts["purpose_mentions"]]
    assert terms == ([found] if found else [])


def test_unknown_purposes_are_named_never_guessed(reference: ReferenceData) -> None:
    facts = deployment_facts(
        reference.purposes,
        {"public_space": False, "camera_count": 1, "purpose": "x", "purposes": ["premises security", "yard"]},
    )
    assert facts["purposes"] == ["premises_security", "yard"]
    assert facts["unknown_purposes"] == ["yard"] and facts["prohibited_purposes"] == []


def test_no_deployment_gives_empty_purpose_facts(reference: ReferenceData) -> None:
    facts = deployment_facts(reference.purposes, None)
    assert facts["present"] is False and facts["purposes"] == [] and facts["purpose_mentions"] == []


def test_purposes_must_be_a_list_of_names(pack: PolicyPack) -> None:
    from conduct.core.policy import SubjectError

    with pytest.raises(SubjectError) as caught:
        pack.evaluate("sales_deal", police_deal(purposes="protest_monitoring"))
    assert [e.path for e in caught.value.errors] == ["deployment.purposes"]


def test_a_prohibited_purpose_without_citations_is_a_reference_data_problem(tmp_path: Path) -> None:
    for folder in ("countries", "catalog", "sanctions"):
        shutil.copytree(DEFAULT_DATA_DIR / folder, tmp_path / folder)
    vocabulary = tmp_path / "catalog" / "purposes.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("    cites:\n", "    cited:\n", 1), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_reference_data(tmp_path)
    [problem] = caught.value.problems
    assert problem.file == "catalog/purposes.yaml" and problem.line is not None
    assert "must cite" in problem.message
