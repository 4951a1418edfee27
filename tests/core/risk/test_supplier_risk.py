from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conduct.core.risk import (
    DEFAULT_WEIGHTS,
    ISO_14001,
    ISO_45001,
    SA8000,
    RiskWeights,
    SupplierRiskInputs,
    UpstreamContribution,
    add_upstream,
    supplier_risk,
)


def drivers_by_name(risk):
    return {driver.name: driver for driver in risk.drivers}


def test_a_supplier_with_nothing_known_scores_only_the_missing_questionnaire():
    risk = supplier_risk(SupplierRiskInputs())
    assert risk.score == DEFAULT_WEIGHTS.questionnaire_missing
    assert [d.name for d in risk.drivers] == ["questionnaire"]
    assert risk.band == "low"


def test_each_input_becomes_a_named_driver_with_its_points():
    risk = supplier_risk(
        SupplierRiskInputs(
            country="VN",
            country_risk=50,
            categories=frozenset({"pcb", "software"}),
            open_findings_major=2,
            open_findings_minor=1,
            open_screening_alerts=1,
            questionnaire_score=60,
        )
    )
    drivers = drivers_by_name(risk)
    assert drivers["country"].points == 15 and drivers["country"].detail == "VN risk 50/100 x 0.3"
    assert drivers["labour_intensive"].points == 8 and drivers["labour_intensive"].value == ("pcb",)
    assert drivers["environmental"].points == 6
    assert drivers["findings_major"].points == 12
    assert drivers["findings_minor"].points == 1
    assert drivers["screening_alerts"].points == 5
    assert drivers["questionnaire"].points == 6  # (100 - 60) x 0.15
    assert risk.score == 15 + 8 + 6 + 12 + 1 + 5 + 6 == sum(d.points for d in risk.drivers)
    assert risk.band == "high"  # 53


def test_certificates_mitigate_and_expiring_ones_count_half():
    base = SupplierRiskInputs(country_risk=80, questionnaire_score=100)
    certified = replace(
        base,
        valid_certificates=frozenset({SA8000, ISO_45001, ISO_14001, "ISO 9001"}),
        expiring_certificates=frozenset({ISO_45001}),
    )
    drivers = drivers_by_name(supplier_risk(certified))
    assert drivers["certificate:SA8000"].points == -6
    assert drivers["certificate:ISO 45001"].points == -2
    assert "expires soon" in drivers["certificate:ISO 45001"].detail
    assert drivers["certificate:ISO 14001"].points == -3
    assert "certificate:ISO 9001" not in drivers  # no credit defined for it
    assert supplier_risk(certified).score == supplier_risk(base).score - 11


def test_an_expiring_certificate_must_be_a_valid_one():
    with pytest.raises(ValueError, match="expiring_certificates not among valid_certificates: SA8000"):
        SupplierRiskInputs(expiring_certificates=frozenset({SA8000}))


def test_findings_are_capped_per_severity_and_say_so():
    drivers = drivers_by_name(
        supplier_risk(SupplierRiskInputs(open_findings_critical=5, questionnaire_score=100))
    )
    assert drivers["findings_critical"].points == 30
    assert drivers["findings_critical"].detail == "5 open critical finding(s) x 15, capped at 30"


def test_a_score_over_100_is_capped_by_a_driver_so_drivers_still_sum_to_the_score():
    risk = supplier_risk(
        SupplierRiskInputs(
            country_risk=100,
            designated_region="Xinjiang (UFLPA)",
            categories=frozenset({"metals"}),
            open_findings_critical=3,
            open_findings_major=3,
            confirmed_matches=frozenset({"forced_labour"}),
        )
    )
    assert risk.score == 100 and risk.band == "critical"
    cap = drivers_by_name(risk)["cap"]
    assert cap.points < 0 and cap.detail.startswith(f"sum of drivers {100 - cap.points} capped at 100")
    assert sum(d.points for d in risk.drivers) == 100


def test_mitigations_never_push_the_score_below_zero():
    weights = RiskWeights(certificate_credits={SA8000: 20}, questionnaire_missing=0)
    risk = supplier_risk(SupplierRiskInputs(valid_certificates=frozenset({SA8000})), weights=weights)
    assert risk.score == 0
    assert drivers_by_name(risk)["floor"].points == 20
    assert sum(d.points for d in risk.drivers) == 0


def test_a_confirmed_screening_match_keeps_the_score_critical():
    risk = supplier_risk(
        SupplierRiskInputs(confirmed_matches=frozenset({"sanctions"}), questionnaire_score=100)
    )
    assert risk.score == 90 and risk.band == "critical"
    floor = drivers_by_name(risk)["floor:screening_confirmed"]
    assert floor.points == 50 and floor.detail == "a confirmed screening match keeps the score at least 90"
    assert sum(d.points for d in risk.drivers) == 90


def test_a_designated_region_keeps_the_score_at_least_high():
    risk = supplier_risk(SupplierRiskInputs(designated_region="Xinjiang (UFLPA)", questionnaire_score=100))
    assert risk.score == 50 and risk.band == "high"
    assert (
        drivers_by_name(risk)["designated_region"].detail == "site in a designated region: Xinjiang (UFLPA)"
    )
    assert drivers_by_name(risk)["floor:designated_region"].points == 25


def test_what_propagates_is_where_and_how_goods_are_made_not_paperwork():
    risk = supplier_risk(
        SupplierRiskInputs(
            country="CN",
            country_risk=70,
            designated_region="Xinjiang (UFLPA)",
            open_findings_critical=1,
            open_findings_minor=2,
            questionnaire_score=None,
        )
    )
    assert risk.propagating_points == 21 + 25 + 15
    assert risk.propagating_reasons == (
        "high-risk country CN (70/100)",
        "designated region Xinjiang (UFLPA)",
        "1 open critical audit finding(s)",
    )
    assert supplier_risk(SupplierRiskInputs(country_risk=59)).propagating_points == 0


def contribution(points, source="S9"):
    return UpstreamContribution(
        source_id=source, distance=2, path=("S3", source), source_points=points * 4, points=points, reason="x"
    )


def test_upstream_contributions_are_drivers_and_capped():
    inputs = SupplierRiskInputs(
        questionnaire_score=100, upstream=(contribution(20.0, "A"), contribution(14.5, "B"))
    )
    risk = supplier_risk(inputs)
    drivers = [d for d in risk.drivers if d.name.startswith("upstream")]
    assert [(d.name, d.points) for d in drivers] == [("upstream", 20), ("upstream", 15), ("upstream_cap", -5)]
    assert drivers[-1].detail == "upstream contributions 35 capped at 30"
    assert risk.score == 30


def test_add_upstream_gives_the_same_result_as_scoring_with_upstream_in_the_inputs():
    inputs = SupplierRiskInputs(
        country_risk=90, designated_region="R", open_findings_critical=2, questionnaire_score=20
    )
    upstream = (contribution(12.0), contribution(30.0, "S7"))
    own = supplier_risk(inputs)
    assert add_upstream(own, upstream) == supplier_risk(replace(inputs, upstream=upstream))
    assert add_upstream(add_upstream(own, upstream), ()) == own


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"country_risk": 101}, "country_risk must be within 0-100"),
        ({"country_risk": -1}, "country_risk must be within 0-100"),
        ({"questionnaire_score": 100.5}, "questionnaire_score must be within 0-100"),
        ({"open_findings_major": -1}, "open_findings_major must be an integer >= 0"),
    ],
)
def test_out_of_range_inputs_are_refused_by_name(change, message):
    with pytest.raises(ValueError, match=message):
        SupplierRiskInputs(**change)


def test_weights_are_checked():
    with pytest.raises(ValueError, match="RiskWeights.designated_region must be"):
        RiskWeights(designated_region=-1)
    with pytest.raises(ValueError, match="bands"):
        RiskWeights(medium_from=60)


risk_inputs = st.builds(
    SupplierRiskInputs,
    country_risk=st.none() | st.floats(0, 100),
    designated_region=st.none() | st.just("Region"),
    categories=st.frozensets(st.sampled_from(["pcb", "metals", "textiles", "chemicals", "software"])),
    valid_certificates=st.frozensets(st.sampled_from([SA8000, ISO_45001, ISO_14001])),
    open_findings_critical=st.integers(0, 5),
    open_findings_major=st.integers(0, 5),
    open_findings_minor=st.integers(0, 10),
    confirmed_matches=st.frozensets(st.sampled_from(["sanctions", "forced_labour"]), max_size=1),
    open_screening_alerts=st.integers(0, 5),
    questionnaire_score=st.none() | st.floats(0, 100),
    upstream=st.lists(st.floats(0, 60).map(contribution), max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None, database=None)
@given(inputs=risk_inputs)
def test_drivers_always_sum_to_a_score_within_0_and_100(inputs):
    risk = supplier_risk(inputs)
    assert 0 <= risk.score <= 100
    assert sum(driver.points for driver in risk.drivers) == risk.score
    assert all(isinstance(driver.points, int) for driver in risk.drivers)
    assert risk.band == DEFAULT_WEIGHTS.band(risk.score)
