"""Evaluation: outcome precedence, errors that force a review, referrals, values, dates, screening,
results."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from conduct.core.policy import (
    BatchScreener,
    Decision,
    NullScreener,
    PolicyPack,
    ScreeningHit,
    ScreeningThresholds,
    StaticScreener,
    load_pack,
)

from .conftest import clean


def pack_of(tmp_path: Path, *rules: str) -> PolicyPack:
    body = "rules:\n" + "".join(textwrap.indent(textwrap.dedent(rule), "  ") for rule in rules)
    (tmp_path / "rules.yaml").write_text(body, encoding="utf-8")
    return load_pack(tmp_path)


def rule(
    rule_id: str,
    when: str,
    outcome: str = "review",
    *,
    gate: str = "sales_deal",
    extra: str = "",
    message: str = "fired",
) -> str:
    return (
        f"- id: {rule_id}\n  title: {rule_id}\n  gates: [{gate}]\n  when: {json.dumps(when)}\n"
        f"  outcome: {outcome}\n  severity: low\n  message: {json.dumps(message)}\n"
        f"  cites: [urn:conduct:ungp:UNGP-17]\n{extra}"
    )


def test_deny_beats_review_beats_allow(tmp_path: Path) -> None:
    pack = pack_of(
        tmp_path, rule("a", "true", "allow"), rule("r", "true", "review"), rule("d", "true", "deny")
    )
    decision = pack.evaluate("sales_deal", clean("sales_deal"))
    assert decision.outcome == "deny"
    assert decision.fired == ("a", "r", "d")
    pack = pack_of(tmp_path, rule("a", "true", "allow"), rule("r", "true", "review"))
    assert pack.evaluate("sales_deal", clean("sales_deal")).outcome == "review"
    pack = pack_of(tmp_path, rule("a", "true", "allow"))
    decision = pack.evaluate("sales_deal", clean("sales_deal"))
    assert (decision.outcome, decision.referrals, decision.conditions) == ("allow", (), ())


@pytest.mark.parametrize(
    ("when", "error"),
    [
        ("subject.missing_field == 1", "subject.missing_field"),
        ("subject.parties[0].nickname == 'x'", "no such field: 'nickname'"),
        ("subject.reference + 1 > 0", "TypeError"),
        ("subject.reference", "`when` must be true or false, got 'D-1'"),
        ("facts.deployment.purpose.startsWith('x')", "Error"),
        ("has(subject.deployment.public_space)", "subject.deployment.public_space"),
    ],
)
def test_a_rule_that_fails_never_passes_silently(tmp_path: Path, when: str, error: str) -> None:
    pack = pack_of(tmp_path, rule("broken", when, "allow"), rule("fine", "false"))
    decision = pack.evaluate("sales_deal", clean("sales_deal"))
    assert decision.outcome == "review"
    assert decision.reasons == ()
    [failure] = decision.errors
    assert (failure.rule, failure.stage) == ("broken", "rule")
    assert error in failure.error
    assert "_p_" not in failure.error
    assert [(r.to, r.rules) for r in decision.referrals] == [("compliance-officers", ("broken",))]


def test_a_failing_for_each_rule_names_itself(tmp_path: Path) -> None:
    extra = "  for_each: party in subject.parties\n"
    pack = pack_of(tmp_path, rule("per_party", "party.nickname == 'x'", extra=extra))
    decision = pack.evaluate("sales_deal", clean("sales_deal"))
    assert decision.outcome == "review"
    assert decision.errors[0].rule == "per_party"


def test_an_error_does_not_hide_a_deny(pack: PolicyPack) -> None:
    class Broken:
        def screen(self, name: str, *, entity_type: str | None = None, country: str | None = None):
            raise ConnectionError("lists unavailable")

    subject = clean("sales_deal")
    subject["items"][0]["capabilities"] = ["ethnicity_detection"]
    decision = pack.evaluate("sales_deal", subject, screener=Broken())
    assert decision.outcome == "deny"
    assert decision.errors[0].stage == "screening"
    assert "lists unavailable" in decision.errors[0].error
    assert decision.facts["screening"]["failed"] is True


def test_a_failing_screener_makes_a_clean_deal_a_review(pack: PolicyPack) -> None:
    class Broken:
        def screen(self, name: str, *, entity_type: str | None = None, country: str | None = None):
            raise TimeoutError

    decision = pack.evaluate("sales_deal", clean("sales_deal"), screener=Broken())
    assert decision.outcome == "review"
    assert [(r.to, r.rules) for r in decision.referrals] == [("compliance-officers", ("(screening)",))]


def test_referrals_group_rules_by_queue(tmp_path: Path) -> None:
    pack = pack_of(
        tmp_path,
        rule("to_tec", "true", extra="  refer_to: technical-ethics-committee\n"),
        rule("to_officers", "true"),
        rule("final", "true", "deny"),
        rule("deny_and_tell", "true", "deny", extra="  refer_to: global-advisory-committee\n"),
    )
    decision = pack.evaluate("sales_deal", clean("sales_deal"))
    assert [(r.to, r.rules) for r in decision.referrals] == [
        ("technical-ethics-committee", ("to_tec",)),
        ("compliance-officers", ("to_officers",)),
        ("global-advisory-committee", ("deny_and_tell",)),
    ]


def test_conditions_are_collected_once_each(tmp_path: Path) -> None:
    extra = "  conditions: ['Export licence check', 'Impact assessment for {subject.reference}']\n"
    pack = pack_of(
        tmp_path,
        rule("one", "true", extra=extra),
        rule("two", "true", extra=extra),
        rule("allowed", "true", "allow", extra="  conditions: ['not needed']\n"),
    )
    assert pack.evaluate("sales_deal", clean("sales_deal")).conditions == (
        "Export licence check",
        "Impact assessment for D-1",
    )


def test_values_and_messages_show_what_the_rule_read(tmp_path: Path) -> None:
    pack = pack_of(
        tmp_path,
        rule(
            "big",
            "facts.items.exists(i, i.quantity > 5) && subject.value > 100.0",
            message=(
                "{subject.reference}: {facts.capabilities.names} worth {subject.value}, {{braces}}, "
                "{subject.nothing}"
            ),
        ),
    )
    subject = clean("sales_deal")
    subject["value"] = 1250.5
    reason = pack.evaluate("sales_deal", subject).reasons[0]
    assert reason.message == "D-1: motion_detection worth 1250.5, {braces}, ?"
    assert dict(reason.values) == {
        "facts.items": (
            {
                "path": "items[0]",
                "index": 0,
                "sku": "CAM-2MP",
                "quantity": 10,
                "hs_code": None,
                "capabilities": ("motion_detection",),
                "prohibited": (),
                "high": (),
                "standard": ("motion_detection",),
                "unknown": (),
            },
        ),
        "subject.value": 1250.5,
        "subject.reference": "D-1",
        "facts.capabilities.names": ("motion_detection",),
    }


@pytest.mark.parametrize(
    ("subject_as_of", "today", "expected"),
    [
        ("2025-01-02", date(2024, 3, 4), date(2025, 1, 2)),
        (None, date(2024, 3, 4), date(2024, 3, 4)),
        (None, None, None),
    ],
)
def test_the_decision_date(pack: PolicyPack, subject_as_of, today, expected) -> None:
    subject = clean("sales_deal")
    subject["as_of"] = subject_as_of
    decision = pack.evaluate("sales_deal", subject, today=today)
    assert decision.as_of == (expected or datetime.now(tz=UTC).date())
    assert decision.facts["as_of"] == decision.as_of.isoformat()


class Batch:
    """Screens a subject's names in one call; `answer` decides what it returns for them."""

    def __init__(self, answer) -> None:
        self.answer, self.calls = answer, []

    def screen(self, name: str, *, entity_type: str | None = None, country: str | None = None):
        raise AssertionError("a batch screener is asked for all names at once")

    def screen_many(self, names):
        self.calls.append([(n.path, n.role, n.name, n.country) for n in names])
        return self.answer(names)


def test_a_batch_screener_gets_every_name_in_one_call(pack: PolicyPack) -> None:
    hit = ScreeningHit("SDN", "sanctions", "1", "Northwind", 0.99)
    screener = Batch(lambda names: [[hit] if n.role == "end_user" else [] for n in names])
    assert isinstance(screener, BatchScreener)
    subject = clean("sales_deal")
    subject["parties"].append(
        {"role": "end_user", "name": "Northwind Retail Ltd", "country": "NL", "sector": "retail"}
    )
    decision = pack.evaluate("sales_deal", subject, screener=screener)
    assert len(screener.calls) == 1 and [c[:2] for c in screener.calls[0]] == [
        ("parties[0]", "customer"),
        ("parties[1]", "end_user"),
    ]
    assert [p["strong"] for p in decision.facts["screening"]["parties"]] == [False, True]
    assert decision.outcome == "deny"


def test_a_batch_screener_that_answers_for_too_few_names_forces_a_review(pack: PolicyPack) -> None:
    decision = pack.evaluate("sales_deal", clean("sales_deal"), screener=Batch(lambda names: []))
    assert decision.outcome == "review" and decision.facts["screening"]["failed"] is True
    assert "answered for 0 of 1 names" in decision.errors[0].error


def test_screening_thresholds_can_be_overridden(pack: PolicyPack) -> None:
    screener = StaticScreener(
        {"Northwind Retail Ltd": [ScreeningHit("SDN", "sanctions", "1", "Northwind", 0.91)]}
    )
    subject = clean("sales_deal")
    assert pack.evaluate("sales_deal", subject, screener=screener).outcome == "review"
    strict = ScreeningThresholds(strong=0.9, alert=0.7)
    assert pack.evaluate("sales_deal", subject, screener=screener, thresholds=strict).outcome == "deny"
    with pytest.raises(ValueError, match="thresholds"):
        ScreeningThresholds(strong=0.7, alert=0.9)


def test_screening_facts_say_whether_screening_was_performed(pack: PolicyPack) -> None:
    subject = clean("sales_deal")
    assert pack.evaluate("sales_deal", subject).facts["screening"]["performed"] is False
    assert (
        pack.evaluate("sales_deal", subject, screener=NullScreener()).facts["screening"]["performed"] is False
    )
    performed = pack.evaluate("sales_deal", subject, screener=StaticScreener({}))
    assert performed.facts["screening"]["performed"] is True
    party = performed.facts["screening"]["parties"][0]
    assert (party["best_score"], party["strong"], party["potential"], party["list_kind"]) == (
        0.0,
        False,
        False,
        None,
    )


def test_the_decision_is_frozen_and_serialisable(pack: PolicyPack) -> None:
    subject = clean("sales_deal")
    subject["items"][0]["capabilities"] = ["facial_recognition"]
    subject["parties"][0]["sector"] = "law_enforcement"
    decision = pack.evaluate("sales_deal", subject)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.outcome = "allow"  # type: ignore[misc]
    with pytest.raises(TypeError):
        decision.facts["parties"] = []  # type: ignore[index]
    with pytest.raises(TypeError):
        decision.reasons[0].values["party.government"] = False  # type: ignore[index]
    data = json.loads(json.dumps(decision.to_dict()))
    assert set(data) >= {
        "outcome",
        "reasons",
        "conditions",
        "referrals",
        "policy_version",
        "reference_version",
        "errors",
        "gate",
        "as_of",
        "facts",
        "rules_evaluated",
    }
    assert data["reasons"][0].keys() >= {
        "rule",
        "outcome",
        "message",
        "cites",
        "severity",
        "values",
        "refer_to",
    }
    assert data["referrals"] == [{"to": "technical-ethics", "rules": ["sales.high_tier_to_government"]}]
    assert data["policy_version"] == pack.version and data["reference_version"] == pack.reference.version
    assert "facts" not in decision.to_dict(include_facts=False)
    data["facts"]["parties"].clear()  # to_dict hands out a copy
    assert decision.facts["parties"]


def test_decisions_are_reproducible(pack: PolicyPack) -> None:
    subject = clean("supplier_onboarding")
    first, second = (
        pack.evaluate("supplier_onboarding", subject),
        pack.evaluate("supplier_onboarding", subject),
    )
    assert first == second
    assert first.to_dict() == second.to_dict()
    assert isinstance(first, Decision)


def test_unknown_gates_are_rejected(pack: PolicyPack) -> None:
    with pytest.raises(ValueError, match="unknown gate"):
        pack.evaluate("sales", {})
    with pytest.raises(ValueError, match="unknown gate"):
        pack.rules_for("sales")


def test_the_pack_describes_itself(pack: PolicyPack) -> None:
    assert len(pack.rules) == len({rule.id for rule in pack.rules})
    assert pack.rule("release.unsigned_firmware").gates == ("product_release",)
    assert pack.rules_for("app_launch")[0].id == "app.default_credentials"
    assert repr(pack).startswith("<PolicyPack ")
    with pytest.raises(KeyError):
        pack.rule("nope")


def test_rules_can_span_gates(tmp_path: Path) -> None:
    pack = pack_of(
        tmp_path,
        rule(
            "both",
            "facts.capabilities.names.exists(c, c == 'motion_detection')",
            gate="app_launch, product_release",
        ),
    )
    assert pack.evaluate("app_launch", clean("app_launch")).fired == ("both",)
    assert pack.evaluate("product_release", clean("product_release")).fired == ("both",)
    assert pack.evaluate("sales_deal", clean("sales_deal")).rules_evaluated == 0


def test_long_collections_are_evaluated_element_by_element(pack: PolicyPack) -> None:
    subject = clean("product_release")
    subject["security"]["open_vulnerabilities"] = [
        {"id": f"CVE-{i}", "cvss": 9.5 if i % 7 == 0 else 2.0} for i in range(60)
    ]
    decision = pack.evaluate("product_release", subject)
    assert [r.target for r in decision.reasons] == [
        f"security.open_vulnerabilities[{i}]" for i in range(0, 60, 7)
    ]


def naive_results(pack: PolicyPack, gate: str, subject: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """Each rule evaluated the plain way: its own CEL over the full subject and facts."""
    import cel

    from conduct.core.policy._subjects import normalize_subject

    normalized, _ = normalize_subject(gate, subject, pack.reference)
    scope = {"subject": normalized, "facts": decision.to_dict()["facts"]}
    results = {}
    for current in pack.rules_for(gate):
        source = current.when
        if current.for_each:
            source = f"{current.for_each.collection}.map({current.for_each.name}, ({current.when}))"
        results[current.id] = cel.compile(source).execute(cel.Context(variables=scope))
    return results


TRICKY = [
    "facts.items.exists(i, i.capabilities.exists(c, c == 'facts.parties.x' || c == 'motion_detection'))",
    "has(subject.deployment) && subject.deployment == null",
    "has(subject.crm.tier) || subject.parties[0].country == 'GB'",
    "has(subject.parties) && has(facts.deployment.purpose) && !has(subject.crm)",
    "facts.parties.filter(p, p.in_eu).exists(q, q.country_risk.high_hr_risk) // facts.fake comment",
    "facts.parties.map(p, p.name).exists(n, n.startsWith('North'))",
    "size(facts.capabilities) == 5 && facts.capabilities.high.size() == 0",
    "'retail' in subject.parties.map(p, p.sector) && facts.screening.parties.all(s, !s.strong)",
    "facts.parties.exists(p, p == facts.parties[0])",
    "subject.items.exists_one(item, item.sku.matches('^CAM-'))",
    "facts.parties.all(p, p.in_eu) || facts.screening.parties.exists(s, s.name == 'Other' && s.role == "
    "'end_user')",
    "facts.capabilities.names.exists(c, c == 'motion_detection') && facts.parties.exists(p, p.sector == "
    "'retail')",
    "!facts.parties.all(p, !p.country_risk.high_hr_risk)",
]


@pytest.mark.parametrize("when", TRICKY)
def test_the_optimised_form_decides_like_plain_cel(tmp_path: Path, when: str) -> None:
    pack = pack_of(
        tmp_path,
        rule("tricky", when),
        rule(
            "per_party",
            "party.in_eu || party.country_risk.high_hr_risk",
            extra="  for_each: party in facts.parties\n",
        ),
    )
    for country in ("GB", "IE", "CN"):
        subject = clean("sales_deal")
        subject["parties"].append(
            {"role": "end_user", "name": "Other", "country": country, "sector": "retail"}
        )
        decision = pack.evaluate("sales_deal", subject)
        assert not decision.errors, decision.errors
        plain = naive_results(pack, "sales_deal", subject, decision)
        assert ("tricky" in decision.fired) is plain["tricky"]
        expected_targets = [f"parties[{i}]" for i, hit in enumerate(plain["per_party"]) if hit]
        assert [r.target for r in decision.reasons if r.rule == "per_party"] == expected_targets


def test_the_default_pack_decides_like_plain_cel_on_every_example(pack: PolicyPack) -> None:
    for example in pack.examples:
        decision = pack.evaluate(
            example.gate, dict(example.subject), screener=StaticScreener(example.screening)
        )
        plain = naive_results(pack, example.gate, dict(example.subject), decision)
        for rule_id, result in plain.items():
            fired = any(result) if isinstance(result, list) else result
            assert (rule_id in decision.fired) is fired, (example.name, rule_id)


def test_optimised_and_plain_packs_decide_the_same(pack: PolicyPack) -> None:
    from conduct.core.policy import DEFAULT_PACK_DIR

    plain = load_pack(DEFAULT_PACK_DIR, optimise=False)
    for example in pack.examples:
        screener = StaticScreener(example.screening)
        fast = pack.evaluate(example.gate, dict(example.subject), screener=screener, today=date(2026, 11, 28))
        slow = plain.evaluate(
            example.gate, dict(example.subject), screener=screener, today=date(2026, 11, 28)
        )
        assert fast.to_dict() == slow.to_dict(), example.name


@pytest.mark.parametrize("gate", ["sales_deal", "app_launch", "supplier_onboarding", "product_release"])
def test_the_facts_are_exactly_the_documented_names(pack: PolicyPack, gate: str) -> None:
    from conduct.core.policy import FACT_NAMES

    assert set(pack.evaluate(gate, clean(gate)).facts) == FACT_NAMES[gate]
