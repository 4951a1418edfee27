"""Property: any chain the sealer builds verifies, and any single-field change is caught at that entry."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from conduct.core.ledger import GENESIS_HASH, LedgerRecord, seal_record, verify_chain

json_leaf = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
)
json_value = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
entry_fields = st.fixed_dictionaries(
    {
        "at": st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ),
        "actor": st.text(max_size=20),
        "action": st.text(max_size=20),
        "object_type": st.text(max_size=10),
        "object_id": st.text(max_size=10),
        "summary": st.dictionaries(st.text(max_size=5), json_value, max_size=4),
    }
)


def build(entries: list[dict]) -> list[LedgerRecord]:
    chain, prev = [], GENESIS_HASH
    for seq, fields in enumerate(entries, start=1):
        chain.append(seal_record(seq=seq, prev_hash=prev, **fields))
        prev = chain[-1].hash
    return chain


def mutate(record: LedgerRecord, field: str, data: st.DataObject) -> LedgerRecord:
    value = getattr(record, field)
    if field == "seq":
        new = data.draw(st.integers(min_value=1, max_value=10_000).filter(lambda s: s != value))
    elif field == "at":
        new = value + timedelta(
            microseconds=data.draw(st.integers(1, 10**9)) * data.draw(st.sampled_from([1, -1]))
        )
    elif field in {"prev_hash", "hash"}:
        new = data.draw(st.text("0123456789abcdef", min_size=64, max_size=64).filter(lambda h: h != value))
    elif field == "summary":
        key = data.draw(st.text(max_size=5))
        new = {**value, key: {"changed": data.draw(json_value)}}
    else:
        new = data.draw(st.text(max_size=20).filter(lambda s: s != value))
    return replace(record, **{field: new})


@settings(max_examples=200, deadline=None, database=None)
@given(entries=st.lists(entry_fields, min_size=1, max_size=8), data=st.data())
def test_a_random_chain_verifies_and_any_single_field_change_is_named(entries, data):
    chain = build(entries)
    assert verify_chain(chain).ok

    position = data.draw(st.integers(0, len(chain) - 1))
    field = data.draw(
        st.sampled_from(
            ["seq", "at", "actor", "action", "object_type", "object_id", "summary", "prev_hash", "hash"]
        )
    )
    chain[position] = mutate(chain[position], field, data)
    result = verify_chain(chain)
    assert not result.ok
    assert result.failed_seq == position + 1
    assert result.count == position
