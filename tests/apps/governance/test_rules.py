"""The decision rule as a pure function: quorum, majorities, abstentions, ties and the chair."""

from __future__ import annotations

from fractions import Fraction

import pytest

from conduct.apps.governance.rules import Ballot, DecisionRule, quorum_for, tally

HALF = DecisionRule(Fraction(1, 2))
FOUR = ["chair", "a", "b", "c"]


def ballots(*pairs: tuple[str, str]) -> list[Ballot]:
    return [Ballot(voter, choice) for voter, choice in pairs]


@pytest.mark.parametrize(
    ("eligible", "ratio", "expected"),
    [(4, "0.5", 2), (3, "0.5", 2), (5, "0.6", 3), (1, "0.5", 1), (0, "0.5", 0)],
)
def test_the_quorum_is_the_ratio_of_eligible_members_rounded_up(eligible, ratio, expected):
    assert quorum_for(DecisionRule(Fraction(ratio)), eligible) == expected


def test_without_quorum_there_is_no_decision():
    result = tally(rule=HALF, eligible=FOUR, ballots=ballots(("a", "approve")), chair="chair")
    assert not result.decided and result.outcome is None
    assert result.reason == "No quorum yet: 1 of the 2 votes needed have been cast."


def test_a_simple_majority_decides_once_the_quorum_is_met():
    result = tally(
        rule=HALF,
        eligible=FOUR,
        ballots=ballots(("a", "reject"), ("b", "reject"), ("c", "approve")),
        chair="chair",
    )
    assert result.decided and result.outcome == "reject" and (result.approve, result.reject) == (1, 2)


def test_abstentions_count_toward_the_quorum_but_not_the_majority():
    result = tally(
        rule=HALF, eligible=FOUR, ballots=ballots(("a", "abstain"), ("b", "approve")), chair="chair"
    )
    assert result.decided and result.outcome == "approve" and result.abstain == 1
    only_abstentions = tally(
        rule=HALF, eligible=FOUR, ballots=ballots(("a", "abstain"), ("b", "abstain")), chair="chair"
    )
    assert not only_abstentions.decided


def test_the_chair_breaks_a_tie_and_otherwise_a_tie_waits():
    tied = ballots(("chair", "reject"), ("a", "approve"))
    broken = tally(rule=HALF, eligible=FOUR, ballots=tied, chair="chair")
    assert broken.decided and broken.outcome == "reject" and broken.chair_broke_tie
    no_chair_vote = tally(
        rule=HALF, eligible=FOUR, ballots=ballots(("a", "reject"), ("b", "approve")), chair="chair"
    )
    assert not no_chair_vote.decided and "the chair has not voted" in no_chair_vote.reason
    no_tie_breaks = tally(
        rule=DecisionRule(Fraction(1, 2), chair_breaks_ties=False), eligible=FOUR, ballots=tied, chair="chair"
    )
    assert not no_tie_breaks.decided


def test_a_conflicted_chair_cannot_break_the_tie():
    result = tally(
        rule=HALF,
        eligible=["a", "b", "c"],
        ballots=ballots(("chair", "approve"), ("a", "approve"), ("b", "reject")),
        chair=None,
    )
    assert not result.decided and result.excluded == ("chair",)
    assert "the chair cannot vote on this case" in result.reason


def test_a_deadlock_says_so():
    result = tally(
        rule=DecisionRule(Fraction(1), chair_breaks_ties=False),
        eligible=["a", "b"],
        ballots=ballots(("a", "approve"), ("b", "reject")),
        chair=None,
    )
    assert not result.decided and result.reason.startswith("Deadlocked")


def test_two_thirds_needs_two_thirds_to_approve_and_rejects_short_of_it():
    rule = DecisionRule(Fraction(3, 4), majority="two_thirds")
    yes = tally(
        rule=rule,
        eligible=FOUR,
        ballots=ballots(("a", "approve"), ("b", "approve"), ("c", "reject")),
        chair="chair",
    )
    assert yes.decided and yes.outcome == "approve"
    no = tally(
        rule=rule,
        eligible=FOUR,
        ballots=ballots(("a", "approve"), ("b", "reject"), ("c", "reject")),
        chair="chair",
    )
    assert no.decided and no.outcome == "reject"


def test_any_approving_vote_with_conditions_makes_a_conditional_approval_adopting_every_condition():
    cast = [
        Ballot("a", "approve_with_conditions", ("Audit in 6 months", "No live matching")),
        Ballot("b", "approve_with_conditions", ("No live matching",)),
        Ballot("c", "approve"),
    ]
    result = tally(rule=HALF, eligible=FOUR, ballots=cast, chair="chair")
    assert result.outcome == "approve_with_conditions"
    assert result.conditions == ("Audit in 6 months", "No live matching")


def test_nobody_eligible_means_no_decision():
    assert not tally(rule=HALF, eligible=[], ballots=ballots(("a", "approve")), chair=None).decided
