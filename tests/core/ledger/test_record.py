import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from conduct.core.ledger import (
    GENESIS_HASH,
    LedgerFormatError,
    canonical_bytes,
    compute_hash,
    record_from_json,
    record_to_json,
)

from .chains import make_chain


def test_canonical_bytes_are_sorted_compact_utf8_without_the_hash():
    record = make_chain(1)[0]
    text = canonical_bytes(record).decode("utf-8")
    assert text == (
        '{"action":"supplier.update","actor":"user:12:officer","at":"2025-03-01T09:31:00.123457Z",'
        '"object_id":"101","object_type":"supplier","prev_hash":"' + GENESIS_HASH + '","seq":1,'
        '"summary":{"changes":{"notes":{"lines":["line 1","ü"]},"status":["pending","approved"]}}}'
    )
    assert '"hash"' not in text


def test_hash_is_sha256_of_canonical_bytes():
    record = make_chain(1)[0]
    assert compute_hash(record) == hashlib.sha256(canonical_bytes(record)).hexdigest() == record.hash


def test_the_same_instant_in_another_timezone_hashes_the_same():
    record = make_chain(1)[0]
    elsewhere = record.at.astimezone(timezone(timedelta(hours=8)))
    assert compute_hash(replace(record, at=elsewhere)) == record.hash


def test_a_naive_time_is_refused():
    record = make_chain(1)[0]
    with pytest.raises(LedgerFormatError, match="timezone-aware"):
        compute_hash(replace(record, at=datetime(2025, 1, 1)))


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ({"when": datetime(2025, 1, 1)}, r"summary\.when: datetime is not JSON-able"),
        ({"ratio": float("nan")}, r"summary\.ratio: nan is not allowed"),
        ({"ids": [1, {2: "x"}]}, r"summary\.ids\[1\]: keys must be strings"),
    ],
)
def test_a_summary_that_is_not_plain_json_is_refused_with_its_path(summary, message):
    record = make_chain(1)[0]
    with pytest.raises(LedgerFormatError, match=message):
        canonical_bytes(replace(record, summary=summary))


def test_tuples_hash_like_lists_so_a_database_round_trip_keeps_the_hash():
    record = replace(make_chain(1)[0], summary={"pair": (1, 2)})
    assert compute_hash(record) == compute_hash(replace(record, summary={"pair": [1, 2]}))


def test_json_line_round_trips():
    for record in make_chain(3):
        line = record_to_json(record)
        assert "\n" not in line
        assert json.loads(line)["type"] == "entry"
        assert record_from_json(line) == record


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 7: invalid JSON"),
        ("[1, 2]", "line 7: expected a JSON object, found list"),
        ('{"type": "checkpoint"}', "line 7: expected an entry, found type 'checkpoint'"),
        ('{"seq": 1}', "line 7: missing field"),
        ('{"seq": 1, "seq": 2}', "line 7: duplicate key 'seq'"),
        ('{"x": NaN}', "line 7: NaN is not allowed"),
    ],
)
def test_malformed_json_lines_name_the_line(line, message):
    with pytest.raises(LedgerFormatError, match=message):
        record_from_json(line, line_no=7)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seq", "1", "seq: expected an integer"),
        ("seq", True, "seq: expected an integer"),
        ("at", "2025-03-01T09:31:00Z", "at: expected UTC time"),
        ("at", "2025-03-01T09:31:00.123457+00:00", "at: expected UTC time"),
        ("actor", 12, "actor: expected a string"),
        ("summary", [1], "summary: expected an object"),
        ("prev_hash", "ABC", "prev_hash: expected 64 lower-case hex"),
        ("hash", "0" * 63, "hash: expected 64 lower-case hex"),
        ("extra", 1, "unknown field"),
    ],
)
def test_wrong_field_values_name_the_line_and_field(field, value, message):
    obj = json.loads(record_to_json(make_chain(1)[0]))
    obj[field] = value
    with pytest.raises(LedgerFormatError, match=f"line 3: {message}"):
        record_from_json(json.dumps(obj), line_no=3)
