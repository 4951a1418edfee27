import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

from conduct.core.ledger import (
    LedgerFormatError,
    SignedCheckpoint,
    generate_keypair,
    public_key_id,
    sign_checkpoint,
    verify_checkpoint,
)

AT = datetime(2025, 3, 2, 0, 0, tzinfo=UTC)
HEAD = "ab" * 32


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture(scope="module")
def signed(keys):
    return sign_checkpoint(keys[0], seq=42, head_hash=HEAD, at=AT)


def test_a_checkpoint_verifies_with_its_public_key(keys, signed):
    assert verify_checkpoint(keys[1], signed)
    assert signed.checkpoint.seq == 42 and signed.checkpoint.head_hash == HEAD


def test_the_key_id_is_the_start_of_sha256_over_the_raw_public_key(keys, signed):
    key = serialization.load_pem_public_key(keys[1])
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert public_key_id(keys[1]) == hashlib.sha256(raw).hexdigest()[:16] == signed.checkpoint.key_id


@pytest.mark.parametrize(
    "alter",
    [
        lambda cp: replace(cp, seq=43),
        lambda cp: replace(cp, head_hash="cd" * 32),
        lambda cp: replace(cp, at=cp.at + timedelta(microseconds=1)),
    ],
    ids=["seq", "head_hash", "at"],
)
def test_an_altered_checkpoint_fails(keys, signed, alter):
    altered = replace(signed, checkpoint=alter(signed.checkpoint))
    assert not verify_checkpoint(keys[1], altered)


def test_a_forged_signature_fails(keys, signed):
    forged = replace(signed, signature=base64.b64encode(bytes(64)).decode())
    assert not verify_checkpoint(keys[1], forged)
    assert not verify_checkpoint(keys[1], replace(signed, signature="not base64!"))


def test_a_checkpoint_signed_with_another_key_fails(keys):
    other_private, _ = generate_keypair()
    assert not verify_checkpoint(keys[1], sign_checkpoint(other_private, seq=42, head_hash=HEAD, at=AT))


def test_a_signature_moved_to_another_key_id_fails(keys, signed):
    relabelled = replace(signed, checkpoint=replace(signed.checkpoint, key_id="0" * 16))
    assert not verify_checkpoint(keys[1], relabelled)


def test_it_round_trips_through_dict_and_json(keys, signed):
    data = signed.to_dict()
    assert data["type"] == "checkpoint" and data["at"] == "2025-03-02T00:00:00.000000Z"
    assert SignedCheckpoint.from_dict(data) == signed
    assert SignedCheckpoint.from_json(signed.to_json()) == signed
    assert verify_checkpoint(keys[1], SignedCheckpoint.from_json(signed.to_json()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seq": -1}, "seq: expected an integer >= 0"),
        ({"head_hash": "xyz"}, "head_hash: expected 64"),
        ({"key_id": "ABC"}, "key_id: expected 16"),
        ({"at": "yesterday"}, "at: expected UTC time"),
        ({"signature": ""}, "signature: expected base64"),
        ({"type": "entry"}, "expected type 'checkpoint'"),
        ({"extra": 1}, "unknown field"),
    ],
)
def test_a_malformed_checkpoint_dict_is_refused_clearly(signed, change, message):
    with pytest.raises(LedgerFormatError, match=f"checkpoints\\[2\\]: .*{message}"):
        SignedCheckpoint.from_dict({**signed.to_dict(), **change}, where="checkpoints[2]")


def test_keys_that_are_not_ed25519_are_refused():
    ec_pem = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="expected Ed25519"):
        sign_checkpoint(ec_pem, seq=1, head_hash=HEAD, at=AT)
    with pytest.raises(ValueError, match="not a PEM public key"):
        public_key_id(b"nonsense")
