"""An entry's optional state hash: hashed only when present, carried through the export, checked by
readers."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conduct.core.ledger import (
    LedgerFormatError,
    canonical_bytes,
    compute_hash,
    covers_hash,
    record_from_json,
    record_to_json,
    state_hash,
    verify_chain,
    verify_export,
)
from conduct.core.ledger import export_lines as write_export
from conduct.core.ledger._record import dumps_canonical

from .chains import make_chain


def test_an_entry_without_state_hashes_as_before() -> None:
    record = make_chain(1)[0]
    assert record.state is None
    assert '"state"' not in canonical_bytes(record).decode()


def test_the_state_is_hashed_into_the_entry_when_present() -> None:
    record = make_chain(1)[0]
    stated = replace(record, state="a" * 64)
    assert '"state":"' + "a" * 64 + '"' in canonical_bytes(stated).decode()
    assert compute_hash(stated) != record.hash
    assert not verify_chain([replace(stated, hash=record.hash)]).ok  # a state added later breaks the hash


def test_an_entry_with_state_round_trips_through_the_export() -> None:
    first = make_chain(1)[0]
    stated = replace(first, state="b" * 64)
    stated = replace(stated, hash=compute_hash(stated))
    line = record_to_json(stated)
    assert record_from_json(line) == stated
    assert verify_export(write_export([stated]), public_pem=None).ok


def test_a_malformed_state_in_an_export_line_is_refused() -> None:
    record = make_chain(1)[0]
    line = record_to_json(record)[:-1] + ',"state":null}'
    with pytest.raises(LedgerFormatError, match="state"):
        record_from_json(line)


def test_the_state_hash_is_sha256_of_canonical_json() -> None:
    values = {"name": "Acme Ü", "status": "active", "org_unit": 3, "resolved_at": None}
    expected = '{"name":"Acme Ü","org_unit":3,"resolved_at":null,"status":"active"}'
    assert state_hash(values) == hashlib.sha256(expected.encode()).hexdigest()
    with pytest.raises(LedgerFormatError):
        state_hash({"at": object()})


_FLAT_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.floats(allow_nan=False, allow_infinity=False)
)


@given(st.dictionaries(st.text(), _FLAT_VALUES, max_size=8))
def test_the_flat_fast_path_hashes_exactly_the_canonical_json(values: dict[str, object]) -> None:
    expected = hashlib.sha256(dumps_canonical(values).encode("utf-8")).hexdigest()
    assert state_hash(values) == expected


def test_the_covers_hash_is_over_sorted_lines() -> None:
    rows = [("supplier", "10", "b" * 64), ("certificate", "7", "a" * 64), ("supplier", "9", "c" * 64)]
    text = "".join(f"{t}\t{i}\t{s}\n" for t, i, s in sorted(rows))
    assert covers_hash(rows) == hashlib.sha256(text.encode()).hexdigest()
    assert covers_hash(reversed(rows)) == covers_hash(rows)
    assert covers_hash(rows[:2]) != covers_hash(rows)
