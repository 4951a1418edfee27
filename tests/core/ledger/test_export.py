import json
from datetime import UTC, datetime

import pytest

from conduct.core.ledger import export_lines, generate_keypair, seal_record, sign_checkpoint, verify_export

from .chains import make_chain

AT = datetime(2025, 3, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture(scope="module")
def other_keys():
    return generate_keypair()


@pytest.fixture
def chain():
    return make_chain(10)


def checkpoint(keys, chain, seq):
    return sign_checkpoint(keys[0], seq=seq, head_hash=chain[seq - 1].hash, at=AT)


def export(chain, *checkpoints, **kwargs):
    return list(export_lines(chain, checkpoints=checkpoints, **kwargs))


def edit(lines, index, **changes):
    obj = json.loads(lines[index])
    obj.update(changes)
    lines[index] = json.dumps(obj)


def test_an_export_with_interleaved_checkpoints_verifies(keys, chain):
    lines = export(chain, checkpoint(keys, chain, 4), checkpoint(keys, chain, 10))
    assert [json.loads(line)["type"] for line in lines] == ["header"] + ["entry"] * 4 + ["checkpoint"] + [
        "entry"
    ] * 6 + ["checkpoint"]
    result = verify_export(lines, public_pem=keys[1])
    assert result.ok, result.message
    assert (result.entries_verified, result.checkpoints_verified, result.authenticated_seq) == (10, 2, 10)
    assert result.head_hash == chain[-1].hash
    assert result.message == ("ok: 10 entries (seq 1..10), 2 checkpoints; signatures verified through seq 10")


def test_checkpoints_can_come_as_a_separate_list(keys, chain):
    lines = export(chain)
    cps = [checkpoint(keys, chain, 3).to_dict(), checkpoint(keys, chain, 7).to_dict()]
    result = verify_export(lines, public_pem=keys[1], checkpoints=cps)
    assert result.ok and result.checkpoints_verified == 2 and result.authenticated_seq == 7


def test_a_file_without_header_starts_at_genesis(keys, chain):
    lines = export(chain, checkpoint(keys, chain, 10))[1:]
    assert verify_export(lines, public_pem=keys[1]).ok


def test_a_tampered_entry_line_is_named_by_line_and_seq(keys, chain):
    lines = export(chain, checkpoint(keys, chain, 10))
    edit(lines, 6, actor="user:99:officer")
    result = verify_export(lines, public_pem=keys[1])
    assert (result.ok, result.line, result.failed_seq) == (False, 7, 6)
    assert result.message.startswith("line 7 (seq 6): hash mismatch")
    assert result.entries_verified == 5


def test_a_rewritten_history_is_caught_by_the_checkpoint(keys, chain):
    # Whoever rewrites entry 3 and rehashes everything after it still cannot re-sign the checkpoint.
    lines = export(chain, checkpoint(keys, chain, 8))
    forged = make_chain(10)
    prev = forged[1].hash
    rewritten = forged[:2]
    for record in forged[2:]:
        fields = {f: getattr(record, f) for f in record.__dataclass_fields__ if f != "hash"}
        fields.update(prev_hash=prev, actor="system" if record.seq == 3 else record.actor)
        rewritten.append(seal_record(**fields))
        prev = rewritten[-1].hash
    forged_lines = export(rewritten)
    forged_lines.insert(9, lines[9])  # keep the genuine checkpoint line after entry 8
    result = verify_export(forged_lines, public_pem=keys[1])
    assert not result.ok
    assert result.reason == "checkpoint at seq 8: head_hash does not match entry 8's hash"


def test_an_altered_checkpoint_is_a_bad_signature(keys, chain):
    lines = export(chain, checkpoint(keys, chain, 5))
    edit(lines, 6, at="2025-03-03T00:00:00.000000Z")
    result = verify_export(lines, public_pem=keys[1])
    assert (result.line, result.failed_seq, result.reason) == (7, 5, "checkpoint at seq 5: bad signature")


def test_a_forged_checkpoint_with_another_key_is_refused(keys, other_keys, chain):
    lines = export(chain, checkpoint(other_keys, chain, 5))
    result = verify_export(lines, public_pem=keys[1])
    assert result.reason.startswith("checkpoint at seq 5: signed by unknown key id")


def test_a_forged_checkpoint_claiming_the_right_key_id_is_a_bad_signature(keys, other_keys, chain):
    lines = export(chain, checkpoint(other_keys, chain, 5))
    edit(lines, 6, key_id=checkpoint(keys, chain, 5).checkpoint.key_id)
    result = verify_export(lines, public_pem=keys[1])
    assert result.reason == "checkpoint at seq 5: bad signature"


def test_rotated_keys_can_all_be_given(keys, other_keys, chain):
    lines = export(chain, checkpoint(other_keys, chain, 5), checkpoint(keys, chain, 9))
    assert verify_export(lines, public_pem=[keys[1], other_keys[1]]).ok


def test_without_a_public_key_only_hashes_are_checked(other_keys, chain):
    lines = export(chain, checkpoint(other_keys, chain, 5))
    result = verify_export(lines, public_pem=None)
    assert result.ok and not result.signatures_checked and result.authenticated_seq is None
    assert result.checkpoints_verified == 1


def test_a_cut_off_tail_shows_through_a_later_checkpoint(keys, chain):
    lines = export(chain)[:8]  # header + entries 1..7
    cps = [checkpoint(keys, chain, 9).to_dict()]
    result = verify_export(lines, public_pem=keys[1], checkpoints=cps)
    assert not result.ok
    assert (
        result.reason == "checkpoints[0]: checkpoint at seq 9 has no entry in the export (it ends at seq 7)"
    )


def test_a_checkpoint_in_the_file_must_follow_its_entry(keys, chain):
    lines = export(chain)
    lines.insert(3, checkpoint(keys, chain, 5).to_json())
    result = verify_export(lines, public_pem=keys[1])
    assert result.line == 4
    assert result.reason == "checkpoint at seq 5 must directly follow entry 5 (it follows seq 2)"


def test_a_deleted_entry_line_is_a_gap(keys, chain):
    lines = export(chain)
    del lines[4]
    result = verify_export(lines, public_pem=keys[1])
    assert (result.line, result.failed_seq, result.reason) == (5, 4, "gap: expected seq 4, found 5")


def test_a_partial_export_starts_from_its_header_anchor(keys, chain):
    anchor = checkpoint(keys, chain, 5)
    lines = export(chain[5:], anchor, checkpoint(keys, chain, 9), start_seq=6, prev_hash=chain[4].hash)
    result = verify_export(lines, public_pem=keys[1])
    assert result.ok, result.message
    assert (result.first_seq, result.entries_verified, result.checkpoints_verified) == (6, 5, 2)


def test_a_partial_export_with_a_wrong_anchor_fails_at_its_first_entry(keys, chain):
    lines = export(chain[5:], start_seq=6, prev_hash=chain[3].hash)
    result = verify_export(lines, public_pem=keys[1])
    assert result.failed_seq == 6 and result.reason.startswith("prev_hash does not match the expected")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{oops", "invalid JSON"),
        ('{"type": "memo"}', "unknown line type 'memo' (expected header, entry or checkpoint)"),
        ('{"type": "entry", "seq": 3}', "missing field(s)"),
        ('{"type": "checkpoint", "seq": 3}', "missing field(s)"),
        (
            '{"type": "header", "format": "conduct-audit-ledger", "version": 1}',
            "the header must come before any entry or checkpoint",
        ),
    ],
)
def test_a_malformed_line_is_named(keys, chain, line, reason):
    lines = export(chain)
    lines.insert(3, line)
    result = verify_export(lines, public_pem=keys[1])
    assert result.line == 4
    assert result.reason.startswith(reason)


def test_a_malformed_checkpoint_in_the_separate_list_is_named(keys, chain):
    result = verify_export(export(chain), public_pem=keys[1], checkpoints=[{"type": "checkpoint"}])
    assert result.line is None and result.reason.startswith("checkpoints[0]: missing field(s)")


def test_a_header_with_an_unknown_version_is_refused(keys, chain):
    lines = export(chain)
    edit(lines, 0, version=2)
    assert verify_export(lines, public_pem=keys[1]).reason == "unsupported version 2"


def test_blank_lines_and_line_endings_are_tolerated(keys, chain):
    lines = [line.replace("\n", "\r\n") for line in export(chain, checkpoint(keys, chain, 10))] + ["\n"]
    assert verify_export(lines, public_pem=keys[1]).ok


def test_the_writer_refuses_a_checkpoint_it_cannot_place(keys, chain):
    with pytest.raises(ValueError, match="past the last exported entry"):
        export(chain[:5], checkpoint(keys, chain, 8))
