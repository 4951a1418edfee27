import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from conduct.core.grants import Grant, GrantReason, generate_keypair, sign_grant, verify_grant

START = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=4)
DURING = START + timedelta(hours=1)


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture
def grant():
    return Grant(
        grant_id="g-100",
        device_id="cam-7f3a",
        customer_id="cust-12",
        grantee="vendor-support:emea",
        scopes=("view_live", "read_logs"),
        not_before=START,
        expires_at=END,
    )


@pytest.fixture
def token(keys, grant):
    return sign_grant(keys[0], grant)


def check(keys, token, **overrides):
    args = {"now": DURING, "device_id": "cam-7f3a", "scope": "read_logs"} | overrides
    return verify_grant(keys[1], token, **args)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_valid_token_allows_a_granted_scope_on_its_device(keys, grant, token):
    result = check(keys, token)
    assert result.ok and result.reason == GrantReason.OK == "ok"
    assert result.grant == grant
    assert result.detail == "vendor-support:emea may read_logs on cam-7f3a until 2025-06-01T12:00:00.000000Z"


def test_the_token_is_two_base64url_segments_with_a_self_describing_payload(token, grant):
    payload_segment, signature_segment = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(payload_segment + "=" * (-len(payload_segment) % 4)))
    assert payload["context"] == "conduct/device-grant/v1"
    assert payload["scopes"] == ["view_live", "read_logs"] and payload["nonce"] == grant.nonce
    assert len(base64.urlsafe_b64decode(signature_segment + "==")) == 64
    assert "=" not in token


def test_each_grant_gets_a_fresh_nonce(grant):
    again = Grant(
        **{
            f: getattr(grant, f)
            for f in ("grant_id", "device_id", "customer_id", "grantee", "scopes", "not_before", "expires_at")
        }
    )
    assert again.nonce != grant.nonce and len(again.nonce) >= 16


def test_a_token_signed_by_another_key_has_a_bad_signature(keys, grant):
    other_private, _ = generate_keypair()
    result = check(keys, sign_grant(other_private, grant))
    assert (result.ok, result.reason, result.grant) == (False, GrantReason.BAD_SIGNATURE, None)


def test_an_altered_payload_has_a_bad_signature(keys, token):
    payload_segment, signature_segment = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(payload_segment + "=" * (-len(payload_segment) % 4)))
    payload["scopes"].append("update_firmware")
    forged = b64(json.dumps(payload).encode()) + "." + signature_segment
    assert check(keys, forged, scope="update_firmware").reason == GrantReason.BAD_SIGNATURE


@pytest.mark.parametrize(
    "bad",
    ["", "no-dot", "a.b.c", "%%%.abc", "abc.@@@", "x" * 9000, 12],
    ids=[
        "empty",
        "one segment",
        "three segments",
        "bad payload chars",
        "bad signature chars",
        "too long",
        "not text",
    ],
)
def test_a_malformed_token_says_so(keys, bad):
    result = check(keys, bad)
    assert (result.ok, result.reason) == (False, GrantReason.MALFORMED)


def test_a_validly_signed_payload_that_is_not_a_grant_is_malformed(keys):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    segment = b64(b'{"context":"conduct/ledger-checkpoint/v1"}')
    signature = load_pem_private_key(keys[0], password=None).sign(segment.encode())
    result = check(keys, f"{segment}.{b64(signature)}")
    assert result.reason == GrantReason.MALFORMED and result.detail.startswith("payload: payload fields")


def test_another_device_is_refused(keys, token):
    result = check(keys, token, device_id="cam-0000")
    assert result.reason == GrantReason.WRONG_DEVICE == "wrong device"
    assert result.detail == "grant is for device cam-7f3a, not cam-0000"


def test_a_scope_not_granted_is_refused(keys, token):
    result = check(keys, token, scope="update_firmware")
    assert result.reason == GrantReason.SCOPE_NOT_GRANTED
    assert result.grant is not None  # the signature verified; the grant is shown to explain


def test_before_not_before_is_not_yet_valid(keys, token):
    assert check(keys, token, now=START - timedelta(microseconds=1)).reason == GrantReason.NOT_YET_VALID
    assert check(keys, token, now=START).ok


def test_at_or_after_expires_at_is_expired(keys, token):
    assert check(keys, token, now=END - timedelta(microseconds=1)).ok
    result = check(keys, token, now=END)
    assert result.reason == GrantReason.EXPIRED and result.detail == "expired at 2025-06-01T12:00:00.000000Z"


def test_a_revoked_grant_is_refused_even_inside_its_window(keys, token):
    result = check(keys, token, revoked_ids=frozenset({"g-100"}))
    assert result.reason == GrantReason.REVOKED


def test_times_in_other_zones_compare_as_instants(keys, token):
    from datetime import timezone

    shanghai = timezone(timedelta(hours=8))
    assert check(keys, token, now=DURING.astimezone(shanghai)).ok


def test_a_naive_now_is_a_caller_error(keys, token):
    with pytest.raises(ValueError, match="now must be a timezone-aware datetime"):
        check(keys, token, now=datetime(2025, 6, 1, 9, 0))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scopes": ()}, "scopes must be a non-empty tuple"),
        ({"scopes": ("view_live", "root_shell")}, "unknown scope"),
        ({"scopes": ("view_live", "view_live")}, "must not repeat"),
        ({"expires_at": START}, "expires_at must be after not_before"),
        ({"not_before": datetime(2025, 6, 1)}, "not_before must be a timezone-aware datetime"),
        ({"device_id": ""}, "device_id must be a non-empty string"),
    ],
)
def test_an_invalid_grant_cannot_be_made(grant, change, message):
    with pytest.raises(ValueError, match=message):
        replace(grant, **change)
