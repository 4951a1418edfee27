import base64
import json
from datetime import UTC, datetime

import pytest

from conduct.core.grants import RevocationListError, generate_keypair, sign_revocations, verify_revocations

AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


def test_a_signed_list_verifies_with_its_version_time_and_ids(keys):
    token = sign_revocations(keys[0], version=3, issued_at=AT, revoked=frozenset({"g-2", "g-1"}))
    found = verify_revocations(keys[1], token)
    assert (found.version, found.issued_at, found.revoked) == (3, AT, frozenset({"g-1", "g-2"}))


def test_an_older_version_than_the_device_holds_is_refused(keys):
    token = sign_revocations(keys[0], version=2, issued_at=AT, revoked=frozenset())
    with pytest.raises(RevocationListError, match="older than version 3"):
        verify_revocations(keys[1], token, min_version=3)


def test_a_list_signed_by_another_key_or_altered_is_refused(keys):
    other, _ = generate_keypair()
    with pytest.raises(RevocationListError, match="signature"):
        verify_revocations(keys[1], sign_revocations(other, version=1, issued_at=AT, revoked=frozenset()))
    token = sign_revocations(keys[0], version=1, issued_at=AT, revoked=frozenset({"g-1"}))
    payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=="))
    data["revoked"] = []
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(RevocationListError, match="signature"):
        verify_revocations(keys[1], f"{forged}.{signature}")


@pytest.mark.parametrize("bad", ["", "a.b.c", "!!.??", "x" * 2_000_000])
def test_malformed_lists_are_refused(keys, bad):
    with pytest.raises(RevocationListError):
        verify_revocations(keys[1], bad)


@pytest.mark.parametrize("version", [0, -1, True])
def test_a_version_must_be_a_positive_integer(keys, version):
    with pytest.raises(ValueError, match="version"):
        sign_revocations(keys[0], version=version, issued_at=AT, revoked=frozenset())
