from collections import deque
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conduct.core.risk import (
    DEFAULT_WEIGHTS,
    RiskWeights,
    SupplierRiskInputs,
    UpstreamContribution,
    add_upstream,
    affected_buyers,
    propagate,
    reverse_graph,
    score_suppliers,
    supplier_risk,
)


def test_a_tier_2_site_in_a_designated_region_raises_the_tier_0_buyer_and_names_the_path():
    graph = {"acme": ["boards-ltd"], "boards-ltd": ["cotton-co"], "cotton-co": []}
    inputs = {
        "acme": SupplierRiskInputs(country="DE", country_risk=15, questionnaire_score=90),
        "boards-ltd": SupplierRiskInputs(country="MY", country_risk=40, questionnaire_score=80),
        "cotton-co": SupplierRiskInputs(designated_region="Xinjiang (UFLPA)", questionnaire_score=70),
    }
    own = {supplier: supplier_risk(item) for supplier, item in inputs.items()}
    propagated = propagate(graph, own)

    (reaching_acme,) = propagated["acme"].contributions
    assert (reaching_acme.source_id, reaching_acme.distance, reaching_acme.path) == (
        "cotton-co",
        2,
        ("boards-ltd", "cotton-co"),
    )
    assert reaching_acme.points == 25 * 0.5**2

    before = own["acme"]
    after = add_upstream(before, propagated["acme"].contributions)
    assert after.score == before.score + 6  # 6.25 rounds to 6
    upstream = next(d for d in after.drivers if d.name == "upstream")
    assert upstream.detail == (
        "sub-supplier cotton-co at distance 2 (via boards-ltd -> cotton-co): designated region Xinjiang "
        "(UFLPA); "
        "25 x decay^2 = 6.25"
    )


def test_contributions_are_discounted_by_decay_to_the_power_of_distance():
    graph = {"t0": ["t1"], "t1": ["t2"], "t2": ["t3"]}
    propagated = propagate(graph, {"t3": 40}, decay=0.5)
    assert [propagated[node].points for node in ("t2", "t1", "t0", "t3")] == [20, 10, 5, 0]
    assert propagate(graph, {"t3": 40}, decay=0.25)["t0"].points == 40 * 0.25**3


def test_the_shortest_path_to_a_source_counts():
    graph = {"buyer": ["a", "b"], "a": ["x"], "b": ["c"], "c": ["x"]}
    (only,) = propagate(graph, {"x": 16})["buyer"].contributions
    assert (only.distance, only.path, only.points) == (2, ("a", "x"), 4)


def test_each_buyer_keeps_its_largest_contributions_from_distinct_sources():
    graph = {"buyer": ["a", "b", "c", "d"]}
    own = {"a": 10, "b": 40, "c": 20, "d": 30}
    result = propagate(graph, own, top=3)["buyer"]
    assert [c.source_id for c in result.contributions] == ["b", "d", "c"]
    assert result.points == (40 + 30 + 20) / 2


def test_cycles_terminate_and_nobody_receives_its_own_risk():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["d"]}
    result = propagate(graph, {"a": 8, "b": 8, "c": 8, "d": 8})
    for node in "abc":
        assert node not in {c.source_id for c in result[node].contributions}
    assert [(c.source_id, c.distance) for c in result["a"].contributions] == [("b", 1), ("c", 2)]
    assert result["d"].contributions == ()


def test_a_cycle_does_not_cost_a_buyer_a_contribution():
    # b's best labels include one from a (through the cycle); a must still get its top 1 from below.
    graph = {"a": ["b"], "b": ["a", "x"]}
    result = propagate(graph, {"a": 100, "x": 10}, top=1)
    assert [c.source_id for c in result["a"].contributions] == ["x"]


def test_tiny_contributions_stop_travelling():
    graph = {"t0": ["t1"], "t1": ["t2"], "t2": ["t3"]}
    result = propagate(graph, {"t3": 2}, decay=0.5, min_points=0.5)
    assert result["t2"].points == 1 and result["t1"].points == 0.5 and result["t0"].points == 0


def test_targets_give_the_same_answer_computed_on_their_sub_graph():
    graph = {"a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "z": ["a"], "e": ["c"]}
    own = {"d": 30, "e": 12, "c": 4, "z": 50}
    full = propagate(graph, own)
    partial = propagate(graph, own, targets=["a", "c"])
    assert set(partial) == {"a", "c"}
    assert partial["a"] == full["a"] and partial["c"] == full["c"]


def test_a_supplier_only_in_own_scores_still_gets_an_entry():
    result = propagate({}, {"lonely": 10})
    assert result["lonely"].points == 0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="decay"):
        propagate({}, {}, decay=0)
    with pytest.raises(ValueError, match="top"):
        propagate({}, {}, top=0)
    with pytest.raises(ValueError, match="own risk of 'x'"):
        propagate({}, {"x": float("nan")})


def test_affected_buyers_are_all_ancestors_of_the_changed_suppliers():
    graph = {"a": ["b"], "b": ["c", "d"], "e": ["d"], "f": ["a"], "g": []}
    reverse = reverse_graph(graph)
    assert affected_buyers(reverse, ["d"]) == {"b", "e", "a", "f"}
    assert affected_buyers(reverse, ["c"]) == {"b", "a", "f"}
    assert affected_buyers(reverse, ["g", "f"]) == set()


def test_affected_buyers_handles_cycles_and_includes_a_changed_supplier_only_on_a_cycle():
    reverse = reverse_graph({"a": ["b"], "b": ["c"], "c": ["a"], "x": ["c"]})
    assert affected_buyers(reverse, ["c"]) == {"a", "b", "c", "x"}
    assert affected_buyers(reverse_graph({"a": ["b"]}), ["b"]) == {"a"}


def test_incremental_recompute_of_affected_buyers_matches_a_full_recompute():
    graph = {"a": ["b"], "b": ["c"], "d": ["e"], "e": []}
    own = {"c": 20, "e": 8}
    before = propagate(graph, own)
    own["c"] = 40
    changed = {"c"}
    redo = changed | affected_buyers(reverse_graph(graph), changed)
    after = {**before, **propagate(graph, own, targets=redo)}
    assert after == propagate(graph, own)
    assert redo == {"a", "b", "c"}


def brute_force(graph, own, *, decay, top, min_points):
    """Reference: BFS from every buyer; contribution = points x decay^shortest distance."""
    nodes = set(graph) | {s for subs in graph.values() for s in subs} | set(own)
    expected = {}
    for buyer in nodes:
        distance = {buyer: 0}
        queue = deque([buyer])
        while queue:
            node = queue.popleft()
            for sub in graph.get(node, ()):
                if sub not in distance:
                    distance[sub] = distance[node] + 1
                    queue.append(sub)
        values = sorted(
            (
                own[source] * decay ** distance[source]
                for source in distance
                if source != buyer and own.get(source, 0) > 0
            ),
            reverse=True,
        )
        expected[buyer] = [v for v in values if v >= min_points][:top]
    return expected


graphs = st.dictionaries(st.integers(0, 11), st.lists(st.integers(0, 11), max_size=4), max_size=12)


@settings(max_examples=300, deadline=None, database=None)
@given(
    graph=graphs,
    own=st.dictionaries(st.integers(0, 11), st.integers(0, 64), max_size=12),
    top=st.integers(1, 3),
)
def test_propagation_matches_a_brute_force_search(graph, own, top):
    # Powers of two keep the float arithmetic exact so values compare equal.
    result = propagate(graph, own, decay=0.5, top=top, min_points=0.5)
    expected = brute_force(graph, own, decay=0.5, top=top, min_points=0.5)
    for buyer, values in expected.items():
        got = result[buyer]
        assert [c.points for c in got.contributions] == values, buyer
        for c in got.contributions:
            assert c.distance == len(c.path) and c.path[-1] == c.source_id
            # The path is a real path in the graph from the buyer down to the source.
            hops = [buyer, *c.path]
            assert all(b in graph.get(a, ()) for a, b in zip(hops, hops[1:], strict=False))


@settings(max_examples=200, deadline=None, database=None)
@given(
    graph=graphs,
    own=st.dictionaries(st.integers(0, 11), st.integers(0, 64), max_size=12),
    targets=st.sets(st.integers(0, 11), max_size=4),
)
def test_a_targeted_run_agrees_with_the_full_run(graph, own, targets):
    full = propagate(graph, own)
    partial = propagate(graph, own, targets=targets)
    for target in targets:
        if target in full:
            assert partial[target] == full[target]


SCORED_GRAPH = {"acme": ["boards", "plastics"], "boards": ["cotton"], "plastics": ["boards"], "cotton": []}
SCORED_INPUTS = {
    "acme": SupplierRiskInputs(country="DE", country_risk=15, questionnaire_score=90),
    "boards": SupplierRiskInputs(country="MY", country_risk=40, open_findings_critical=1),
    "plastics": SupplierRiskInputs(country="CN", country_risk=70, questionnaire_score=50),
    "cotton": SupplierRiskInputs(designated_region="Xinjiang (UFLPA)", questionnaire_score=70),
}


def test_score_suppliers_is_own_risk_then_propagation_then_upstream():
    own = {supplier: supplier_risk(item) for supplier, item in SCORED_INPUTS.items()}
    propagated = propagate(SCORED_GRAPH, own)
    expected = {
        supplier: add_upstream(risk, propagated[supplier].contributions) for supplier, risk in own.items()
    }
    assert score_suppliers(SCORED_INPUTS, SCORED_GRAPH) == expected
    assert expected["acme"].score > own["acme"].score


def test_score_suppliers_for_targets_agrees_with_the_full_run():
    full = score_suppliers(SCORED_INPUTS, SCORED_GRAPH)
    assert score_suppliers(SCORED_INPUTS, SCORED_GRAPH, targets={"plastics", "acme"}) == {
        "plastics": full["plastics"],
        "acme": full["acme"],
    }


def test_score_suppliers_recomputes_upstream_already_in_the_inputs():
    stale = dict(SCORED_INPUTS)
    stale["acme"] = replace(
        stale["acme"],
        upstream=(
            UpstreamContribution(
                source_id="gone", distance=1, path=("gone",), source_points=60, points=30, reason="old"
            ),
        ),
    )
    assert score_suppliers(stale, SCORED_GRAPH) == score_suppliers(SCORED_INPUTS, SCORED_GRAPH)


def test_score_suppliers_needs_inputs_for_every_target():
    with pytest.raises(KeyError, match="'nobody'"):
        score_suppliers(SCORED_INPUTS, SCORED_GRAPH, targets={"nobody"})


def test_the_garbage_collector_is_back_on_afterwards():
    import gc

    score_suppliers(SCORED_INPUTS, SCORED_GRAPH)
    assert gc.isenabled()


def _exactly(risk):
    """Everything a stored score shows, with the type and sign of each value (0 == -0.0 == 0.0 would hide
    them)."""
    return (
        risk.score,
        risk.band,
        [(d.name, type(d.value), repr(d.value), d.points, d.detail) for d in risk.drivers],
        risk.propagating_points,
        risk.propagating_reasons,
    )


# Few distinct facts, so suppliers share them (score_suppliers builds each group of drivers once), including
# values that are equal but print differently: 50 and 50.0, 0.0 and -0.0.
shared_inputs = st.builds(
    SupplierRiskInputs,
    country=st.sampled_from(["CN", "VN", ""]),
    country_risk=st.sampled_from([None, 0, 0.0, -0.0, 50, 50.0, 60, 85.5, 100]),
    designated_region=st.sampled_from([None, None, "Xinjiang (UFLPA)"]),
    categories=st.frozensets(st.sampled_from(["pcb", "metals", "textiles", "chemicals", "software"])),
    valid_certificates=st.just(frozenset({"SA8000", "ISO 45001"})) | st.just(frozenset()),
    open_findings_critical=st.sampled_from([0, 0, 1, 3]),
    open_findings_major=st.sampled_from([0, 2]),
    confirmed_matches=st.sampled_from([frozenset(), frozenset(), frozenset({"sanctions"})]),
    open_screening_alerts=st.sampled_from([0, 0, 3]),
    questionnaire_score=st.sampled_from([None, 0, -0.0, 0.0, 40, 40.0, 100]),
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    graph=graphs,
    inputs=st.dictionaries(st.integers(0, 11), shared_inputs, min_size=1, max_size=12),
    decay=st.sampled_from([0.5, 1.0, 0.3]),
    top=st.integers(1, 3),
    weights=st.sampled_from([DEFAULT_WEIGHTS, RiskWeights(upstream_cap=5, designated_region_floor=95)]),
)
def test_score_suppliers_gives_exactly_what_the_public_steps_give(graph, inputs, decay, top, weights):
    own = {supplier: supplier_risk(item, weights=weights) for supplier, item in inputs.items()}
    propagated = propagate(graph, own, decay=decay, top=top)
    expected = {
        supplier: add_upstream(risk, propagated[supplier].contributions, weights=weights)
        if propagated[supplier].contributions
        else risk
        for supplier, risk in own.items()
    }
    scored = score_suppliers(inputs, graph, weights=weights, decay=decay, top=top)
    assert list(scored) == list(expected)
    assert {s: _exactly(r) for s, r in scored.items()} == {s: _exactly(r) for s, r in expected.items()}


def test_paused_gc_pauses_the_collector_and_restores_the_state_it_found():
    import gc

    from conduct.core._gc import paused_gc

    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()
