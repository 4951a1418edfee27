from dataclasses import replace

import pytest

from conduct.core.ledger import GENESIS_HASH, seal_record, verify_chain

from .chains import TAMPERINGS, make_chain


def test_an_untouched_chain_verifies_and_reports_its_head():
    chain = make_chain(10)
    result = verify_chain(chain)
    assert result.ok
    assert (result.count, result.head_seq, result.head_hash) == (10, 10, chain[-1].hash)
    assert result.failed_seq is None and result.reason is None


def test_an_empty_chain_verifies_with_the_genesis_head():
    result = verify_chain([])
    assert result.ok and result.count == 0 and result.head_seq == 0 and result.head_hash == GENESIS_HASH


def test_it_reads_the_entries_once_as_a_stream():
    chain = make_chain(5)
    assert verify_chain(record for record in chain).ok


@pytest.mark.parametrize("field", sorted(TAMPERINGS))
@pytest.mark.parametrize("position", [0, 4, 9])
def test_changing_any_stored_field_names_that_entry(field, position):
    chain = make_chain(10)
    chain[position] = TAMPERINGS[field](chain[position])
    result = verify_chain(chain)
    assert not result.ok
    assert result.failed_seq == position + 1
    assert result.count == position
    assert result.head_seq == position


@pytest.mark.parametrize(
    ("field", "reason"),
    [
        ("seq", "gap: expected seq 5, found 12"),
        ("at", "hash mismatch"),
        ("summary nested value", "hash mismatch"),
        ("hash", "hash mismatch: stored eeeeeeeeeeeeeeee…"),
        ("prev_hash", "prev_hash does not match entry 4's hash"),
    ],
)
def test_the_reason_says_what_is_wrong(field, reason):
    chain = make_chain(6)
    chain[4] = TAMPERINGS[field](chain[4])
    assert verify_chain(chain).reason.startswith(reason)


def test_a_tampered_first_entry_is_checked_against_the_genesis_hash():
    chain = make_chain(3)
    chain[0] = TAMPERINGS["prev_hash"](chain[0])
    assert verify_chain(chain).reason == "prev_hash does not match the genesis hash"


def test_a_tampered_entry_whose_hash_was_recomputed_is_caught_at_the_next_entry():
    chain = make_chain(6)
    forged = TAMPERINGS["actor"](chain[2])
    chain[2] = seal_record(**{f: getattr(forged, f) for f in forged.__dataclass_fields__ if f != "hash"})
    result = verify_chain(chain)
    assert (result.failed_seq, result.reason) == (4, "prev_hash does not match entry 3's hash")


def test_a_deleted_entry_is_a_gap_at_its_seq():
    chain = make_chain(8)
    del chain[3]
    result = verify_chain(chain)
    assert (result.failed_seq, result.reason) == (4, "gap: expected seq 4, found 5")


def test_a_deleted_last_entry_goes_unnoticed_by_the_chain_alone():
    # Only a checkpoint or a published head can show a cut-off tail; see test_export.
    assert verify_chain(make_chain(8)[:-1]).ok


def test_reordered_entries_are_caught_where_the_order_breaks():
    chain = make_chain(8)
    chain[5], chain[6] = chain[6], chain[5]
    result = verify_chain(chain)
    assert (result.failed_seq, result.reason) == (6, "gap: expected seq 6, found 7")


def test_an_entry_moved_later_is_caught_at_its_own_seq():
    chain = make_chain(8)
    chain.insert(5, chain.pop(2))
    result = verify_chain(chain)
    assert (result.failed_seq, result.reason) == (3, "gap: expected seq 3, found 4")


def test_an_earlier_entry_repeated_later_is_out_of_order():
    chain = make_chain(8)
    result = verify_chain([*chain[:4], chain[1]])
    assert (result.failed_seq, result.reason) == (5, "out of order: expected seq 5, found 2")


def test_a_duplicated_entry_is_named():
    chain = make_chain(8)
    chain.insert(3, chain[2])
    result = verify_chain(chain)
    assert (result.failed_seq, result.reason) == (4, "duplicate seq 3: expected seq 4")


def test_a_slice_verifies_from_a_given_seq_and_prev_hash():
    chain = make_chain(10)
    result = verify_chain(chain[6:], start_seq=7, prev_hash=chain[5].hash)
    assert result.ok and result.count == 4 and result.head_seq == 10


def test_a_slice_with_the_wrong_anchor_fails_at_its_first_entry():
    chain = make_chain(10)
    result = verify_chain(chain[6:], start_seq=7, prev_hash=chain[4].hash)
    assert result.failed_seq == 7
    assert result.reason == "prev_hash does not match the expected starting hash (entry 6)"


def test_chunks_chain_into_one_verification():
    chain = make_chain(9)
    first = verify_chain(chain[:4])
    second = verify_chain(chain[4:], start_seq=first.head_seq + 1, prev_hash=first.head_hash)
    assert second.ok and second.head_hash == chain[-1].hash


def test_an_unhashable_entry_is_reported_not_raised():
    chain = make_chain(3)
    chain[1] = replace(chain[1], summary={"x": object()})
    result = verify_chain(chain)
    assert result.failed_seq == 2 and result.reason.startswith("malformed entry: summary.x")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="start_seq"):
        verify_chain([], start_seq=0)
    with pytest.raises(ValueError, match="prev_hash"):
        verify_chain([], start_seq=2, prev_hash="abc")
