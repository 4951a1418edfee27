"""The per-type hasher an import uses: the same hash as state_hash, for any flat values in any field order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conduct.core.ledger import LedgerFormatError, state_hash, state_hasher

_FLAT = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.floats(allow_nan=False, allow_infinity=False)
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(), _FLAT, min_size=1, max_size=8))
def test_the_hasher_of_a_type_hashes_exactly_as_state_hash(values: dict[str, object]) -> None:
    names = list(values)
    assert state_hasher(names)([values[n] for n in names]) == state_hash(values)


def test_the_hasher_takes_values_in_its_field_order_and_refuses_repeated_names() -> None:
    hasher = state_hasher(["status", "name"])
    assert hasher(["active", "Acme"]) == state_hash({"name": "Acme", "status": "active"})
    with pytest.raises(LedgerFormatError):
        state_hasher(["name", "name"])
