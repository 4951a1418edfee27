"""Each sales_deal rule of the default pack, at its boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from conduct.core.policy import GOVERNMENT_SECTORS, PolicyPack, ScreeningHit, StaticScreener

from .conftest import clean

PROHIBITED = [
    "ethnicity_detection",
    "race_classification",
    "religion_inference",
    "sexual_orientation_inference",
    "political_opinion_inference",
    "minority_tracking",
]
HIGH = [
    "facial_recognition",
    "face_search",
    "person_reidentification",
    "gait_recognition",
    "emotion_recognition",
    "voice_identification",
    "licence_plate_recognition",
    "audio_surveillance",
    "crowd_tracking",
    "phone_tracking",
    "social_media_monitoring",
]
XINJIANG_SPELLINGS = [
    "Xinjiang",
    "XUAR",
    "Xinjiang Uyghur Autonomous Region",
    "新疆",
    "CN-XJ",
    "CN-65",
    "xinjiang uighur autonomous region",
    "Xinjiang Uygur Zizhiqu",
    "新疆维吾尔自治区",
    "Ürümqi",
    "Kashgar Prefecture, Xinjiang",
]


def deal(**changes: Any) -> dict[str, Any]:
    subject = clean("sales_deal")
    subject.update(changes)
    return subject


def party(
    name: str = "Acme", country: str = "GB", sector: str = "retail", role: str = "customer", **extra: Any
):
    return {"role": role, "name": name, "country": country, "sector": sector, **extra}


def item(*capabilities: str, sku: str = "SKU-1") -> dict[str, Any]:
    return {"sku": sku, "capabilities": list(capabilities), "quantity": 1}


def hit(kind: str, score: float, name: str = "Listed Co") -> ScreeningHit:
    return ScreeningHit(
        list_name=f"{kind} list", list_kind=kind, entry_id="E-1", matched_name=name, score=score
    )


def screened(pack: PolicyPack, score: float, kind: str = "sanctions"):
    subject = deal(parties=[party("Listed Co", country="AE", sector="commercial")])
    return pack.evaluate("sales_deal", subject, screener=StaticScreener({"Listed Co": [hit(kind, score)]}))


@pytest.mark.parametrize("kind", ["sanctions", "export_control", "forced_labour"])
def test_a_strong_match_on_a_blocking_list_denies(pack: PolicyPack, kind: str) -> None:
    decision = screened(pack, 0.95, kind)
    assert decision.outcome == "deny"
    assert decision.fired == ("sales.party.strong_list_match",)
    reason = decision.reasons[0]
    assert reason.target == "parties[0]"
    assert "Listed Co" in reason.message and "0.95" in reason.message
    assert reason.values["party.strong"] is True


def test_just_below_the_strong_threshold_is_a_potential_match(pack: PolicyPack) -> None:
    decision = screened(pack, 0.9499)
    assert decision.outcome == "review"
    assert decision.fired == ("sales.party.potential_list_match",)
    assert decision.conditions == (
        "Confirm or dismiss the potential watch-list match before the deal proceeds",
    )


def test_the_alert_threshold_is_inclusive(pack: PolicyPack) -> None:
    assert screened(pack, 0.80).fired == ("sales.party.potential_list_match",)
    assert screened(pack, 0.7999).outcome == "allow"


@pytest.mark.parametrize("kind", ["pep", "investment", "custom"])
def test_a_strong_match_on_a_non_blocking_list_does_not_block(pack: PolicyPack, kind: str) -> None:
    decision = screened(pack, 0.99, kind)
    assert decision.outcome == "allow"
    assert decision.facts["screening"]["parties"][0]["other_kinds"] == (kind,)


def test_every_party_is_screened_with_its_country(pack: PolicyPack) -> None:
    screener = StaticScreener({})
    subject = deal(parties=[party("A", "GB"), party("B", "DE", role="end_user")])
    pack.evaluate("sales_deal", subject, screener=screener)
    assert screener.calls == [("A", None, "GB"), ("B", None, "DE")]


@pytest.mark.parametrize("capability", PROHIBITED)
def test_a_prohibited_capability_denies(pack: PolicyPack, capability: str) -> None:
    decision = pack.evaluate(
        "sales_deal", deal(items=[item("motion_detection"), item(capability, sku="AI-9")])
    )
    assert decision.outcome == "deny"
    assert decision.fired == ("sales.item.prohibited_capability",)
    assert decision.reasons[0].target == "items[1]"
    assert capability in decision.reasons[0].message


def test_capabilities_are_matched_by_alias_and_spelling(pack: PolicyPack) -> None:
    decision = pack.evaluate(
        "sales_deal", deal(items=[item("Ethnicity-Detection"), item("Uyghur Detection")])
    )
    assert [r.target for r in decision.reasons] == ["items[0]", "items[1]"]


def test_an_unknown_capability_is_reviewed_and_named(pack: PolicyPack) -> None:
    decision = pack.evaluate("sales_deal", deal(items=[item("motion_detection", "drone_jamming")]))
    assert decision.outcome == "review"
    assert decision.fired == ("sales.item.unknown_capability",)
    assert "drone_jamming" in decision.reasons[0].message


@pytest.mark.parametrize("region", XINJIANG_SPELLINGS)
def test_a_government_party_in_xinjiang_is_denied_in_any_spelling(pack: PolicyPack, region: str) -> None:
    subject = deal(parties=[party("Bureau", "CN", "public_security", region=region)])
    decision = pack.evaluate("sales_deal", subject)
    assert decision.outcome == "deny"
    assert "sales.party.designated_region_government" in decision.fired
    assert "sales.party.designated_region" not in decision.fired


@pytest.mark.parametrize("region", XINJIANG_SPELLINGS)
def test_a_non_government_party_in_xinjiang_is_reviewed(pack: PolicyPack, region: str) -> None:
    decision = pack.evaluate("sales_deal", deal(parties=[party("Mall", "CN", "retail", region=region)]))
    assert decision.outcome == "review"
    assert decision.fired == ("sales.party.designated_region",)
    assert decision.conditions == ("Enhanced end-use due diligence for a party in a designated region",)


def test_the_region_code_counts_whatever_country_is_given(pack: PolicyPack) -> None:
    decision = pack.evaluate("sales_deal", deal(parties=[party("Mall", "HK", "retail", region="XUAR")]))
    assert decision.fired == ("sales.party.designated_region",)


def test_a_city_name_counts_only_in_the_regions_country(pack: PolicyPack) -> None:
    assert (
        pack.evaluate("sales_deal", deal(parties=[party("Co", "KZ", "retail", region="Aksu")])).outcome
        == "allow"
    )
    in_china = pack.evaluate("sales_deal", deal(parties=[party("Co", "CN", "retail", region="Aksu")]))
    assert in_china.fired == ("sales.party.designated_region",)


def test_tibet_is_designated_for_mass_surveillance(pack: PolicyPack) -> None:
    decision = pack.evaluate(
        "sales_deal", deal(parties=[party("Police", "CN", "law_enforcement", region="Lhasa")])
    )
    assert "sales.party.designated_region_government" in decision.fired
    assert decision.reasons[0].values["party.designations"] == ("mass_surveillance_of_minorities",)


@pytest.mark.parametrize("region", ["Guangdong", "Shanghai", None])
def test_other_chinese_regions_are_not_designated(pack: PolicyPack, region: str | None) -> None:
    decision = pack.evaluate("sales_deal", deal(parties=[party("Mall", "CN", "retail", region=region)]))
    assert decision.outcome == "allow"


@pytest.mark.parametrize("sector", GOVERNMENT_SECTORS)
@pytest.mark.parametrize("capability", HIGH)
def test_a_high_tier_capability_for_government_goes_to_the_ethics_committee(
    pack: PolicyPack, sector: str, capability: str
) -> None:
    decision = pack.evaluate(
        "sales_deal", deal(parties=[party("Council", "GB", sector)], items=[item(capability)])
    )
    assert decision.outcome == "review"
    assert decision.fired == ("sales.high_tier_to_government",)
    assert [r.to for r in decision.referrals] == ["technical-ethics"]
    assert decision.conditions == ("Technical Ethics Committee approval of the end use",)


@pytest.mark.parametrize("sector", ["commercial", "healthcare", "critical_infrastructure", "education"])
def test_a_high_tier_capability_for_others_is_not_referred(pack: PolicyPack, sector: str) -> None:
    decision = pack.evaluate(
        "sales_deal", deal(parties=[party("Co", "GB", sector)], items=[item("face_search")])
    )
    assert decision.outcome == "allow"


def test_a_standard_capability_for_government_is_allowed(pack: PolicyPack) -> None:
    subject = deal(parties=[party("Council", "GB", "government_civil")], items=[item("people_counting")])
    assert pack.evaluate("sales_deal", subject).outcome == "allow"


def test_high_tier_in_public_space_needs_a_human_rights_impact_assessment(pack: PolicyPack) -> None:
    deployment = {"public_space": True, "camera_count": 30, "purpose": "town centre"}
    decision = pack.evaluate("sales_deal", deal(items=[item("crowd_tracking")], deployment=deployment))
    assert decision.fired == ("sales.public_space_high_tier",)
    assert decision.conditions == ("Human-rights impact assessment of the public-space deployment",)
    assert "30 cameras" in decision.reasons[0].message


@pytest.mark.parametrize(
    ("capability", "public_space"),
    [("motion_detection", True), ("crowd_tracking", False), ("crowd_tracking", None)],
)
def test_no_assessment_without_both_public_space_and_high_tier(
    pack: PolicyPack, capability: str, public_space: bool | None
) -> None:
    deployment = (
        None if public_space is None else {"public_space": public_space, "camera_count": 3, "purpose": "x"}
    )
    decision = pack.evaluate("sales_deal", deal(items=[item(capability)], deployment=deployment))
    assert decision.outcome == "allow"


@pytest.mark.parametrize(
    ("country", "fires"),
    [("CN", True), ("RU", True), ("SD", True), ("DE", False), ("IN", False), ("PS", False)],
)
def test_a_government_party_in_a_high_risk_country_is_reviewed(
    pack: PolicyPack, country: str, fires: bool
) -> None:
    decision = pack.evaluate("sales_deal", deal(parties=[party("Ministry", country, "government_civil")]))
    assert ("sales.party.government_high_risk_country" in decision.fired) is fires
    if fires:
        assert "Not Free" in decision.reasons[0].message


def test_a_private_party_in_a_high_risk_country_is_not_reviewed_for_it(pack: PolicyPack) -> None:
    assert pack.evaluate("sales_deal", deal(parties=[party("Shop", "CN", "retail")])).outcome == "allow"


@pytest.mark.parametrize(
    ("exporter", "country", "capability", "fires"),
    [
        ("DE", "US", "face_search", True),
        ("IE", "GB", "gait_recognition", True),
        ("DE", "FR", "face_search", False),
        ("GB", "US", "face_search", False),
        (None, "US", "face_search", False),
        ("DE", "US", "motion_detection", False),
    ],
)
def test_eu_dual_use_article_5(pack: PolicyPack, exporter, country, capability, fires) -> None:
    subject = deal(
        exporter_country=exporter, parties=[party("Casino", country, "commercial")], items=[item(capability)]
    )
    decision = pack.evaluate("sales_deal", subject)
    assert ("sales.eu_dual_use_art5" in decision.fired) is fires
    if fires:
        assert decision.conditions == (
            f"EU dual-use export authorisation under Art. 5 of Regulation (EU) 2021/821 for {country}",
        )


def test_dual_use_fires_once_per_party_outside_the_eu(pack: PolicyPack) -> None:
    parties = [party("A", "US"), party("B", "FR", role="consignee"), party("C", "CH", role="end_user")]
    decision = pack.evaluate(
        "sales_deal", deal(exporter_country="NL", parties=parties, items=[item("face_search")])
    )
    assert [r.target for r in decision.reasons] == ["parties[0]", "parties[2]"]
    assert len(decision.conditions) == 2
