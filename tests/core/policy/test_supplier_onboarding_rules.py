"""Each supplier_onboarding rule of the default pack, with certificate validity at its edges."""

from __future__ import annotations

from typing import Any

import pytest

from conduct.core.policy import PolicyPack, ScreeningHit, StaticScreener

from .conftest import clean

LABOUR = ["electronics_assembly", "pcb", "plastics", "metals", "textiles", "packaging", "raw_materials"]
ENVIRONMENTAL = ["chemicals", "pcb", "metals", "plastics", "semiconductors"]
LABOUR_RULE = "supplier.labour_category_without_certificate"
ENVIRONMENT_RULE = "supplier.environmental_category_without_iso14001"


def supplier(**changes: Any) -> dict[str, Any]:
    subject = clean("supplier_onboarding")
    subject.update(changes)
    return subject


def decide(pack: PolicyPack, subject: dict[str, Any], **kwargs: Any):
    return pack.evaluate("supplier_onboarding", subject, **kwargs)


def cert(standard: str, valid_until: str = "2027-12-31", valid_from: str | None = None) -> dict[str, Any]:
    return {"standard": standard, "valid_until": valid_until, "valid_from": valid_from}


@pytest.mark.parametrize(
    ("name", "role"),
    [("Precision Moulding", "supplier"), ("Eastern Holdings", "parent"), ("PM Plastics", "alias")],
)
def test_a_strong_match_of_the_supplier_its_parent_or_an_alias_denies(
    pack: PolicyPack, name: str, role: str
) -> None:
    subject = supplier(
        supplier={
            "name": "Precision Moulding",
            "country": "CZ",
            "parent": "Eastern Holdings",
            "aliases": ["PM Plastics"],
        }
    )
    screener = StaticScreener({name: [ScreeningHit("UFLPA Entity List", "forced_labour", "U-1", name, 0.99)]})
    decision = decide(pack, subject, screener=screener)
    assert (decision.outcome, decision.fired) == ("deny", ("supplier.strong_list_match",))
    assert decision.reasons[0].message.startswith(f"The supplier's {role} name {name}")


def test_a_potential_match_is_reviewed(pack: PolicyPack) -> None:
    screener = StaticScreener(
        {"Precision Moulding s.r.o.": [ScreeningHit("SDN", "sanctions", "S-1", "PM", 0.9)]}
    )
    decision = decide(pack, supplier(), screener=screener)
    assert (decision.outcome, decision.fired) == ("review", ("supplier.potential_list_match",))


def test_the_supplier_parent_and_aliases_are_screened_as_organisations(pack: PolicyPack) -> None:
    screener = StaticScreener({})
    subject = supplier(supplier={"name": "A", "country": "CZ", "parent": "P", "aliases": ["B", "C"]})
    decide(pack, subject, screener=screener)
    assert screener.calls == [
        ("A", "organization", "CZ"),
        ("P", "organization", None),
        ("B", "organization", "CZ"),
        ("C", "organization", "CZ"),
    ]


@pytest.mark.parametrize("region", ["Xinjiang", "XUAR", "新疆", "CN-65", "Hotan"])
def test_a_site_in_a_forced_labour_region_denies(pack: PolicyPack, region: str) -> None:
    decision = decide(pack, supplier(sites=[{"country": "CZ"}, {"country": "CN", "region": region}]))
    assert (decision.outcome, decision.fired) == ("deny", ("supplier.site_in_forced_labour_region",))
    assert decision.reasons[0].target == "sites[1]"


def test_a_site_in_a_surveillance_only_region_is_not_a_forced_labour_site(pack: PolicyPack) -> None:
    assert decide(pack, supplier(sites=[{"country": "CN", "region": "Tibet"}])).outcome == "allow"


def test_a_supplier_registered_in_a_forced_labour_region_is_denied(pack: PolicyPack) -> None:
    subject = supplier(
        supplier={"name": "Tianshan Cable", "country": "CN", "region": "Xinjiang Uyghur Autonomous Region"}
    )
    decision = decide(pack, subject)
    assert (decision.outcome, decision.fired) == ("deny", ("supplier.registered_in_forced_labour_region",))


@pytest.mark.parametrize("category", LABOUR)
def test_a_labour_intensive_category_without_a_labour_certificate_is_reviewed(
    pack: PolicyPack, category: str
) -> None:
    decision = decide(pack, supplier(categories=[category], certificates=[cert("ISO 14001:2015")]))
    assert LABOUR_RULE in decision.fired
    assert decision.outcome == "review"


@pytest.mark.parametrize("category", ["logistics", "software", "services", "semiconductors", "chemicals"])
def test_other_categories_need_no_labour_certificate(pack: PolicyPack, category: str) -> None:
    decision = decide(pack, supplier(categories=[category], certificates=[cert("ISO 14001")]))
    assert LABOUR_RULE not in decision.fired


@pytest.mark.parametrize("standard", ["SA8000:2014", "SA 8000", "ISO 45001:2018", "BS EN ISO 45001"])
def test_either_sa8000_or_iso_45001_satisfies_the_labour_rule(pack: PolicyPack, standard: str) -> None:
    decision = decide(pack, supplier(categories=["textiles"], certificates=[cert(standard)]))
    assert decision.outcome == "allow"


@pytest.mark.parametrize("standard", ["OHSAS 18001", "ISO 9001", "BSCI"])
def test_other_certificates_do_not_satisfy_the_labour_rule(pack: PolicyPack, standard: str) -> None:
    decision = decide(pack, supplier(categories=["textiles"], certificates=[cert(standard)]))
    assert LABOUR_RULE in decision.fired


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "valid"),
    [
        (None, "2026-11-28", True),  # valid_until == as_of: still valid that day
        (None, "2026-11-27", False),  # expired the day before
        ("2026-11-28", "2029-11-27", True),  # valid_from == as_of
        ("2026-11-29", "2029-11-28", False),  # not valid yet
    ],
)
def test_certificate_validity_as_of_the_decision_date(
    pack: PolicyPack, valid_from, valid_until, valid
) -> None:
    subject = supplier(categories=["textiles"], certificates=[cert("SA8000", valid_until, valid_from)])
    decision = decide(pack, subject)
    assert (LABOUR_RULE not in decision.fired) is valid
    certificate = decision.facts["certificates"][0]
    assert certificate["valid"] is valid
    assert decision.facts["valid_standards"] == (("sa8000",) if valid else ())


def test_the_decision_date_can_come_from_the_caller(pack: PolicyPack) -> None:
    from datetime import date

    subject = supplier(categories=["textiles"], certificates=[cert("SA8000", "2026-06-30")])
    del subject["as_of"]
    assert LABOUR_RULE not in decide(pack, subject, today=date(2026, 6, 30)).fired
    assert LABOUR_RULE in decide(pack, subject, today=date(2026, 7, 1)).fired


@pytest.mark.parametrize("category", ENVIRONMENTAL)
def test_an_environmental_category_without_iso_14001_is_reviewed(pack: PolicyPack, category: str) -> None:
    decision = decide(pack, supplier(categories=[category], certificates=[cert("SA8000"), cert("ISO 45001")]))
    assert decision.fired == (ENVIRONMENT_RULE,)


def test_an_expired_iso_14001_does_not_count(pack: PolicyPack) -> None:
    subject = supplier(categories=["chemicals"], certificates=[cert("ISO 14001:2015", "2026-01-01")])
    assert ENVIRONMENT_RULE in decide(pack, subject).fired


@pytest.mark.parametrize(
    ("country", "fires"),
    [
        ("MM", True),
        ("AF", True),
        ("SY", True),
        ("PS", True),
        ("BD", False),
        ("CN", False),
        ("KP", False),
        ("DE", False),
    ],
)
def test_a_site_in_the_worst_labour_rights_band_is_reviewed(
    pack: PolicyPack, country: str, fires: bool
) -> None:
    decision = decide(pack, supplier(sites=[{"country": "CZ"}, {"country": country}]))
    assert ("supplier.site_in_worst_labour_rights_country" in decision.fired) is fires
    if fires:
        assert decision.reasons[0].target == "sites[1]"
        assert "ituc_rating = 5+" in decision.reasons[0].message


def test_an_incomplete_questionnaire_is_reviewed(pack: PolicyPack) -> None:
    decision = decide(pack, supplier(saq_completed=False))
    assert (decision.outcome, decision.fired) == ("review", ("supplier.saq_incomplete",))
