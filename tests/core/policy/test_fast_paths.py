"""The evaluation shortcuts (pre-filter, batches, flat context) decide exactly like each rule run on its
own."""

from __future__ import annotations

import copy
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from conduct.core.policy import PolicyPack, load_pack
from conduct.core.policy import _pack as pack_module
from conduct.core.policy._flat import Flattener, convertible
from conduct.core.policy._probe import PreFilter, Probe, find_probes

from .conftest import clean


def pack_of(tmp_path: Path, rules: list[dict[str, Any]]) -> PolicyPack:
    for number, rule in enumerate(rules):
        rule.setdefault("id", f"r{number:03d}")
        rule.setdefault("title", rule["id"])
        rule.setdefault("gates", ["sales_deal"])
        rule.setdefault("outcome", "review")
        rule.setdefault("severity", "low")
        rule.setdefault("message", "fired for {subject.reference}")
        rule.setdefault("cites", ["urn:conduct:ungp:UNGP-17"])
    (tmp_path / "rules.yaml").write_text(json.dumps({"rules": rules}), encoding="utf-8")
    return load_pack(tmp_path)


def rule_by_rule(
    pack: PolicyPack, subject: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The decision with every shortcut off: each rule's own program over the whole plan, as before."""
    with monkeypatch.context() as patched:
        patched.setattr(pack_module, "convertible", lambda value: False)
        return pack.evaluate("sales_deal", copy.deepcopy(subject)).to_dict()


def test_probes_are_the_top_level_conjuncts_the_prefilter_can_decide() -> None:
    assert find_probes('party.country == "AE" && party.security_sector', "party") == (
        Probe("==", ("country",), True, "AE"),
        Probe("is", ("security_sector",), True, True),
    )
    assert find_probes(
        "(subject.value != null && 1000.0 < subject.value) && !facts.any_government_party", None
    ) == (
        Probe("!=", ("subject", "value"), False, None),
        Probe(">", ("subject", "value"), False, 1000.0),
        Probe("is", ("facts", "any_government_party"), False, False),
    )
    assert find_probes(
        "facts.capabilities.names.exists(c, c == 'face_search') && 'x' in facts.personal_data", None
    ) == (
        Probe("in", ("facts", "capabilities", "names"), False, "face_search"),
        Probe("in", ("facts", "personal_data"), False, "x"),
    )
    assert find_probes("facts.parties.exists(p, p.sector == 'military' && p.in_eu)", None) == (
        Probe("in", ("facts", "parties"), False, "military", ("sector",)),
    )


@pytest.mark.parametrize(
    "when",
    [
        "facts.a || facts.b == 1",  # `||` at the top level: not a conjunction
        "facts.a ? facts.b == 1 : false",
        "!facts.a == false",  # (!a) == false
        "facts.x == 010",  # leading zeros, escapes, unsigned, hex and negative literals are left to CEL
        'facts.x == "a\\"b"',
        "facts.x == 1u",
        "facts.x == 0x10",
        "facts.x == -1",
        "facts.x > true",
        "facts.x < null",
        "facts.x.size() > 0",
        "facts.x[0] == 1",
        "has(facts.x)",
        "!facts.list.exists(c, c == 'a')",
        "facts.list.exists(c, c == 'a' || c == 'b')",
        "facts.list.exists(facts, facts == 'a')",
        "item.tags.exists(item, item == 'a')",
    ],
)
def test_what_the_prefilter_leaves_to_cel(when: str) -> None:
    assert find_probes(when, "item") == ()


def test_the_prefilter_finds_certainly_false_rules() -> None:
    probes = [
        (0, (Probe("==", ("facts", "country"), False, "AE"),), None),
        (1, (Probe("==", ("facts", "country"), False, "CN"),), None),
        (2, (Probe(">", ("facts", "count"), False, 10),), None),
        (3, (Probe(">", ("facts", "count"), False, 20),), None),
        (4, (Probe("in", ("facts", "names"), False, "a"),), None),
        (5, (Probe("in", ("facts", "names"), False, "b"),), None),
        (6, (Probe("==", ("sector",), True, "military"),), "facts.parties"),
        (7, (Probe("==", ("sector",), True, "retail"),), "facts.parties"),
    ]
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(PreFilter, "MIN_RULES", 1)
        prefilter = PreFilter.build(probes)
    assert prefilter is not None

    def skipped(facts: dict[str, Any]) -> set[int]:
        mask = prefilter.false_rules({"facts": facts}, {"facts.parties": facts.get("parties")})
        return {position for position in range(8) if mask >> position & 1}

    parties = [{"sector": "retail"}, {"sector": "education"}]
    assert skipped({"country": "AE", "count": 15, "names": ["a", "c"], "parties": parties}) == {1, 3, 5, 6}
    assert skipped({"country": "GB", "count": 25, "names": [], "parties": parties[1:]}) == {0, 1, 4, 5, 6, 7}
    # Values the prefilter cannot compare exactly like CEL, and missing ones, skip nothing.
    assert skipped({"count": 15.0, "names": ["a", 1], "parties": [{"sector": 1}]}) == set()
    assert skipped({"country": None, "count": float("nan"), "names": "a", "parties": [{}]}) == set()
    assert skipped({"country": 1, "count": 2**64, "names": None, "parties": {"sector": "x"}}) == set()


def test_the_flat_form_names_each_element_field() -> None:
    flattener = Flattener()
    source = flattener.flatten(
        "_p_x[0].a.b && _p_x[1].c.size() > 0 && has(_p_x[0].a) && _p_x[2] == 1 && _p_x[0].a.b == 's[0].a'"
    )
    assert source == "_f0_ && _f1_.size() > 0 && has(_p_x[0].a) && _p_x[2] == 1 && _f0_ == 's[0].a'"
    values = {"_p_x": [{"a": {"b": True}}, {"c": []}, "z"]}
    assert flattener.value("_f0_", values) is True
    assert flattener.value("_f1_", values) == []
    assert flattener.value("_f1_", {"_p_x": [{"c": 1}]}) is pack_module.MISSING


def test_convertible_values() -> None:
    assert convertible({"a": [1, 2.5, None, True, "é", -(2**63), 2**64 - 1], "b": {"c": ()}})
    assert not convertible({"a": "\ud800"})
    assert not convertible({"\ud800": 1})
    assert not convertible([2**64])
    assert not convertible({1: "a"})
    assert not convertible({"a": {1, 2}})


VALUES = [
    "AE",
    "CN",
    "",
    "\u00e9",
    0,
    1,
    2,
    7,
    2.5,
    1.0,
    True,
    False,
    None,
    [],
    ["AE"],
    ["AE", 1],
    {"k": "AE"},
]


def variants() -> list[dict[str, Any]]:
    """Rules in groups large enough for the prefilter, reading fields whose types the subjects vary."""
    rules: list[dict[str, Any]] = []
    for literal in ['"AE"', '"CN"', "1", "2.5", "true", "null"]:
        for op in ("==", "!=", ">", "<="):
            rules.append({"when": f"subject.crm.a {op} {literal} && subject.crm.b"})
            rules.append({"when": f"{literal} {op} party.extra", "for_each": "party in subject.parties"})
            rules.append(
                {
                    "when": f"party.extra {op} {literal} && party.bad.x",
                    "for_each": "party in subject.crm.list",
                }
            )
        rules.append({"when": f"subject.crm.list.exists(x, x == {literal})"})
        rules.append({"when": f"subject.crm.list.exists(x, x.k == {literal} && x.other)"})
        rules.append({"when": f"{literal} in subject.crm.list && subject.crm.a.size() > 0"})
        rules.append({"when": f"!subject.crm.b && subject.crm.a == {literal}"})
    rules.append({"when": "subject.crm.list.size() > 1 && subject.crm.list[1].k == 'AE'"})
    return rules


def test_decisions_are_those_of_each_rule_on_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = pack_of(tmp_path, variants())
    assert pack._prefilters["sales_deal"] is not None
    rng = random.Random(7)
    for _ in range(60):
        subject = clean("sales_deal")
        subject["crm"] = {key: rng.choice(VALUES) for key in ("a", "b") if rng.random() < 0.85}
        subject["crm"]["list"] = rng.choice(
            [rng.choice(VALUES), [{"extra": rng.choice(VALUES), "k": rng.choice(VALUES)} for _ in range(3)]]
            + [[rng.choice(VALUES[:4]) for _ in range(length)] for length in (0, 2, 20)]
        )
        for party in itertools.islice(itertools.cycle(subject["parties"]), 1):
            party["extra"] = rng.choice(VALUES)
        fast = pack.evaluate("sales_deal", copy.deepcopy(subject)).to_dict()
        assert fast == rule_by_rule(pack, subject, monkeypatch), subject


def test_a_value_cel_cannot_take_still_fails_the_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = [{"when": f'subject.crm.a == "v{n}" && subject.crm.b == "x"'} for n in range(8)]
    pack = pack_of(tmp_path, rules)
    subject = clean("sales_deal")
    subject["crm"] = {"a": "other", "b": "\ud800"}  # every rule is certainly false, but the plan holds `b`
    decision = pack.evaluate("sales_deal", subject)
    assert [(error.rule, error.stage) for error in decision.errors] == [(None, "facts")]
    assert (decision.outcome, decision.rules_evaluated) == ("review", 0)
    assert decision.to_dict() == rule_by_rule(pack, subject, monkeypatch)


def test_a_failing_rule_in_a_batch_reports_its_own_error(tmp_path: Path) -> None:
    rules = [{"when": "subject.reference == 'D-1'", "outcome": "allow"} for _ in range(10)]
    rules[4] = {"when": "subject.reference + 1 > 0"}
    rules[7] = {"when": "party.nickname == 'x'", "for_each": "party in facts.parties"}
    decision = pack_of(tmp_path, rules).evaluate("sales_deal", clean("sales_deal"))
    assert [error.rule for error in decision.errors] == ["r004", "r007"]
    assert "no such field: 'nickname'" in decision.errors[1].error
    assert len(decision.reasons) == 8


@pytest.mark.parametrize("parties", [1, 3, 40])
def test_for_each_hits_are_found_whatever_the_list_length(
    tmp_path: Path, parties: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = [
        {"when": f'party.name == "P{n}" && party.country == "GB"', "for_each": "party in subject.parties"}
        for n in range(0, 45, 3)
    ] + [{"when": "facts.parties.exists(p, p.name == 'P3') && facts.parties.all(p, p.in_eu)"}]
    pack = pack_of(tmp_path, rules)
    subject = clean("sales_deal")
    subject["parties"] = [
        {"role": "customer", "name": f"P{n}", "country": "GB" if n % 2 else "DE", "sector": "retail"}
        for n in range(parties)
    ]
    decision = pack.evaluate("sales_deal", copy.deepcopy(subject))
    assert decision.to_dict() == rule_by_rule(pack, subject, monkeypatch)
    assert [reason.target for reason in decision.reasons] == [
        f"subject.parties[{n}]" for n in range(0, min(parties, 45), 3) if n % 2
    ]
