"""The OFAC 50 % rule (core.screening.ownership_decide): the cases issue #24 names, cycles, control."""

from __future__ import annotations

from conduct.core.screening import Relation, ownership_decide


def own(owner: str, owned: str, share: float) -> Relation:
    return Relation(owner, owned, "ownership", share)


def test_a_blocked_owner_of_exactly_50_percent_blocks() -> None:
    found = ownership_decide("B", [own("X", "B", 50)], {"X"})
    assert found.status == "blocked"
    assert found.blocked_share == 50
    assert [(h.owner, h.share, h.listed) for h in found.owners] == [("X", 50, True)]


def test_just_under_50_percent_does_not_block() -> None:
    assert ownership_decide("B", [own("X", "B", 49.99)], {"X"}).status == "clear"


def test_two_blocked_owners_of_25_percent_each_block_in_aggregate() -> None:
    found = ownership_decide("B", [own("X", "B", 25), own("Y", "B", 25), own("Z", "B", 50)], {"X", "Y"})
    assert found.status == "blocked"
    assert found.blocked_share == 50
    assert sorted(h.owner for h in found.owners) == ["X", "Y"]  # Z is not blocked and is not named


def test_an_entity_owned_60_percent_passes_its_block_down_in_full() -> None:
    # X (listed) owns 60 % of B, so B is blocked; B owns 90 % of C, so C is blocked (not 54 %).
    relations = [own("X", "B", 60), own("B", "C", 90)]
    found = ownership_decide("C", relations, {"X"})
    assert found.status == "blocked"
    assert found.blocked_share == 90
    (holder,) = found.owners
    assert (holder.owner, holder.share, holder.listed) == ("B", 90, False)
    assert [(h.owner, h.share, h.listed) for h in holder.through] == [("X", 60, True)]
    assert (
        found.summary({"X": "Ivan", "B": "Bravo Ltd"})
        == "Bravo Ltd 90 % (blocked: owned by Ivan 60 % (listed))"
    )
    assert ownership_decide("B", relations, {"X"}).status == "blocked"


def test_a_40_percent_owner_blocks_neither_the_entity_nor_what_it_owns() -> None:
    relations = [own("X", "B", 40), own("B", "C", 100)]
    assert ownership_decide("B", relations, {"X"}).status == "clear"
    assert ownership_decide("B", relations, {"X"}).blocked_share == 40
    found = ownership_decide("C", relations, {"X"})
    assert found.status == "clear"
    assert found.blocked_share == 0


def test_a_cycle_of_holdings_terminates_and_does_not_block_itself() -> None:
    relations = [own("A", "B", 60), own("B", "A", 60), own("X", "A", 30)]
    assert ownership_decide("A", relations, {"X"}).status == "clear"
    assert ownership_decide("B", relations, {"X"}).status == "clear"


def test_a_cycle_with_a_blocked_majority_blocks_around_it() -> None:
    relations = [own("A", "B", 60), own("B", "A", 40), own("X", "A", 60)]
    assert ownership_decide("A", relations, {"X"}).status == "blocked"
    assert ownership_decide("B", relations, {"X"}).status == "blocked"


def test_control_or_a_directorship_without_majority_ownership_is_a_review() -> None:
    relations = [
        Relation("X", "B", "control"),
        Relation("Y", "B", "directorship"),
        own("X", "B", 20),
    ]
    found = ownership_decide("B", relations, {"X", "Y"})
    assert found.status == "review"
    assert [(h.owner, h.relation) for h in found.controllers] == [("X", "control"), ("Y", "directorship")]
    assert found.blocked_share == 20


def test_control_by_a_person_who_is_not_blocked_is_clear() -> None:
    assert ownership_decide("B", [Relation("P", "B", "control")], {"X"}).status == "clear"


def test_the_same_holding_from_two_sources_counts_once() -> None:
    relations = [Relation("X", "B", "ownership", 30, "ftm"), Relation("X", "B", "ownership", 30, "registry")]
    assert ownership_decide("B", relations, {"X"}).status == "clear"
