"""Sanctions programmes (data/sanctions/programmes.yaml): the data itself, region spellings, the exporter's
jurisdiction, intermediaries, and the rule that every new rule has an example today's pack gets wrong."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conduct.core.policy import DEFAULT_PACK_DIR, PolicyPack, ReferenceData, SubjectError, load_pack

NEW_RULES_FILE = DEFAULT_PACK_DIR / "sales_deal_sanctions.yaml"


def deal(*parties: dict[str, Any], exporter: str | None = "GB", **extra: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "reference": "T-1",
        "as_of": "2026-12-06",
        "parties": list(parties),
        "items": [{"sku": "CAM-2MP", "capabilities": ["motion_detection"], "quantity": 10}],
        **extra,
    }
    if exporter is not None:
        subject["exporter_country"] = exporter
    return subject


def party(country: str, *, role: str = "customer", sector: str = "retail", region: str | None = None) -> dict:
    found = {"role": role, "name": f"{role} {country}", "country": country, "sector": sector}
    if region is not None:
        found["region"] = region
    return found


def fired(pack: PolicyPack, subject: dict[str, Any], **kw: Any) -> tuple[str, set[str]]:
    decision = pack.evaluate("sales_deal", subject, **kw)
    return decision.outcome, {reason.rule for reason in decision.reasons}


def test_every_programme_has_its_sources_status_and_review_date(reference: ReferenceData) -> None:
    programmes = {p.id: p for p in reference.sanctions.programmes}
    required = {"un-dprk", "un-iran", "us-iran", "eu-iran", "us-syria", "eu-syria", "us-cuba"}
    required |= {"eu-occupied-ukraine", "eu-russia", "eu-belarus", "eu-myanmar", "eu-venezuela"}
    assert required <= set(programmes)
    for programme in programmes.values():
        assert programme.sources and all(url.startswith("https://") for _, url in programme.sources)
        assert programme.reviewed and programme.status_changed and programme.in_force_since
    # the 2025 changes: the UN snapback on Iran, the EU's and the US's lifting of most Syria measures
    assert programmes["un-iran"].status == "in_force" and programmes["un-iran"].status_changed == "2025-09-28"
    assert programmes["eu-syria"].status == "partially_lifted"
    assert programmes["eu-syria"].categories >= {"internal_repression", "surveillance_interception", "arms"}
    assert programmes["us-syria"].status == "partially_lifted" and programmes["us-syria"].uncertain
    assert programmes["un-dprk"].hs_chapters >= {84, 85}


@pytest.mark.parametrize(
    ("spelling", "country", "region_id"),
    [
        ("Crimea", "UA", "UA-43"),
        ("Krym", "UA", "UA-43"),
        ("Республика Крым", "RU", "UA-43"),
        ("Simferopol", "RU", "UA-43"),
        ("Sebastopol", "UA", "UA-40"),
        ("Севастополь", "RU", "UA-40"),
        ("Donetsk People's Republic", "UA", "UA-14-DNR"),
        ("DNR", "RU", "UA-14-DNR"),
        ("Lugansk", "UA", "UA-09"),
        ("ЛНР", "RU", "UA-09-LNR"),
        ("Zaporozhye", "UA", "UA-23"),
        ("Melitopol", "UA", "UA-23"),
        ("Kherson", "UA", "UA-65"),
        ("Херсонская область", "RU", "UA-65"),
    ],
)
def test_occupied_regions_match_their_usual_spellings(
    reference: ReferenceData, spelling: str, country: str, region_id: str
) -> None:
    assert region_id in {region.id for region in reference.regions_for(spelling, country)}


def test_lviv_and_kyiv_are_no_occupied_region(reference: ReferenceData) -> None:
    assert reference.regions_for("Lviv", "UA") == () and reference.regions_for("Kyiv", "UA") == ()


def test_a_whole_occupied_region_denies_and_a_partly_occupied_one_reviews(pack: PolicyPack) -> None:
    assert fired(pack, deal(party("RU", region="Simferopol")))[0] == "deny"
    outcome, rules = fired(pack, deal(party("UA", region="Zaporizhzhia")))
    assert outcome == "review" and "sales.sanctions.programme_may_apply" in rules


def test_the_exporter_is_the_org_unit_when_the_deal_names_none(pack: PolicyPack) -> None:
    russian_retailer = deal(party("RU"), exporter=None)
    decision = pack.evaluate("sales_deal", russian_retailer, unit_country="DE")  # the German branch: EU law
    assert decision.outcome == "deny"
    assert decision.facts["exporter"]["source"] == "org_unit"
    [reason] = [r for r in decision.reasons if r.rule == "sales.sanctions.programme_binds_and_covers"]
    assert (
        "EU restrictive measures on Russia" in reason.message and "exporter DE (org unit)" in reason.message
    )
    # a unit in a country no programme binds: only review (the programmes may not bind it)
    assert fired(pack, russian_retailer, unit_country="CN")[0] == "review"
    # the deal's own exporter_country wins over the unit's
    decision = pack.evaluate("sales_deal", deal(party("RU"), exporter="CN"), unit_country="DE")
    assert decision.outcome == "review" and decision.facts["exporter"]["source"] == "subject"
    # no exporter at all: UN measures still bind every state
    assert fired(pack, deal(party("KP"), exporter=None))[0] == "deny"


def test_us_content_above_de_minimis_brings_us_rules_in(pack: PolicyPack) -> None:
    assert fired(pack, deal(party("CU"), us_content=25))[0] == "deny"
    assert fired(pack, deal(party("CU"), us_content=5))[0] == "review"  # within the 10 % de minimis
    assert fired(pack, deal(party("CU")))[0] == "review"
    assert fired(pack, deal(party("CU"), exporter="US"))[0] == "deny"


def test_intermediary_roles_and_red_flags(pack: PolicyPack) -> None:
    for role in ("distributor", "reseller", "freight_forwarder", "financier"):
        assert fired(pack, deal(party("GB", role=role)))[0] == "allow"
    outcome, rules = fired(pack, deal(party("AE", role="freight_forwarder")))
    assert outcome == "review" and "sales.diversion.intermediary_transshipment_no_end_user" in rules
    behind = deal(party("AM", role="distributor"), party("BY", role="end_user"), exporter="CN")
    outcome, rules = fired(pack, behind)
    assert outcome == "deny" and "sales.diversion.sanctioned_end_user_behind_intermediary" in rules


def test_a_bad_hs_code_or_us_content_is_refused_naming_the_field(pack: PolicyPack) -> None:
    subject = deal(party("GB"), us_content=140)
    subject["items"][0]["hs_code"] = "cameras"
    with pytest.raises(SubjectError) as caught:
        pack.evaluate("sales_deal", subject)
    assert {e.path for e in caught.value.errors} == {"us_content", "items[0].hs_code"}


def test_every_new_rule_has_an_example_that_todays_pack_gets_wrong(tmp_path: Path, pack: PolicyPack) -> None:
    """Today's pack (without this file) must answer each firing example differently, or refuse its
    subject (the intermediary roles did not exist)."""
    old = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK_DIR, old)
    (old / NEW_RULES_FILE.name).unlink()
    before = load_pack(old)
    rules = yaml.safe_load(NEW_RULES_FILE.read_text(encoding="utf-8"))["rules"]
    assert len(rules) == 7
    for rule in rules:
        failing = []
        for example in rule["examples"]:
            if example.get("fires", True) is False:
                continue
            assert pack.evaluate("sales_deal", example["subject"]).outcome == example["expect"]
            try:
                outcome = before.evaluate("sales_deal", example["subject"]).outcome
            except SubjectError:
                outcome = "invalid"
            if outcome != example["expect"]:
                failing.append(example["name"])
        assert failing, f"{rule['id']}: every example already passes on today's pack"
