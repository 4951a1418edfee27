"""Write data/grants/test-vectors/vectors.json: grant tokens, revocation lists and the answers a verifier
must give, signed with a published TEST key (never trust it on a device). Ed25519 is deterministic and every
field is fixed, so running this again writes the same file. Run: python scripts/grant_test_vectors.py
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conduct.core.grants import Grant, format_at, sign_grant, sign_revocations

OUT = Path(__file__).resolve().parents[1] / "data" / "grants" / "test-vectors" / "vectors.json"
SEED = bytes(range(32))  # the test key's 32-byte seed: published on purpose
OTHER_SEED = bytes(range(32, 64))
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=4)


def _pems(seed: bytes) -> tuple[bytes, bytes]:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def build() -> dict[str, object]:
    private, public = _pems(SEED)
    other_private, _ = _pems(OTHER_SEED)
    grant = Grant(
        grant_id="g-0000000000000001",
        device_id="NV-CAM-0001",
        customer_id="customer:1",
        grantee="vendor-support:user:7:support_eng",
        scopes=("read_logs", "view_live"),
        not_before=START,
        expires_at=END,
        nonce="test-vector-nonce-0001",
    )
    valid = sign_grant(private, grant)
    payload, signature = valid.split(".")
    tampered = _b64(base64.urlsafe_b64decode(payload + "==").replace(b"NV-CAM-0001", b"NV-CAM-0002"))
    tokens = {
        "valid": valid,
        "other_key": sign_grant(other_private, grant),
        "tampered_payload": f"{tampered}.{signature}",
        "three_segments": f"{valid}.{signature}",
        "not_base64": "not base64!.abc",
        "empty": "",
    }
    revocations = {
        "v1_empty": sign_revocations(private, version=1, issued_at=START, revoked=frozenset()),
        "v2_revokes_valid": sign_revocations(
            private, version=2, issued_at=START + timedelta(hours=1), revoked=frozenset({grant.grant_id})
        ),
        "v2_other_key": sign_revocations(
            other_private, version=2, issued_at=START, revoked=frozenset({grant.grant_id})
        ),
    }
    during = format_at(START + timedelta(hours=1))

    def case(
        name: str, token: str, device: str, scope: str, at: str, expected: str, revocations: str | None = None
    ) -> dict[str, object]:
        return {
            "name": name,
            "token": token,
            "device": device,
            "scope": scope,
            "at": at,
            "revocations": revocations,
            "expected": {"ok": expected == "ok", "reason": expected},
        }

    cases = [
        case(
            "a valid grant allows a granted scope on its device",
            "valid",
            "NV-CAM-0001",
            "read_logs",
            during,
            "ok",
        ),
        case("the window opens at not_before", "valid", "NV-CAM-0001", "view_live", format_at(START), "ok"),
        case("another device is refused", "valid", "NV-CAM-0002", "read_logs", during, "wrong device"),
        case(
            "a scope not granted is refused", "valid", "NV-CAM-0001", "configure", during, "scope not granted"
        ),
        case(
            "before not_before",
            "valid",
            "NV-CAM-0001",
            "read_logs",
            format_at(START - timedelta(seconds=1)),
            "not yet valid",
        ),
        case("at expires_at it has expired", "valid", "NV-CAM-0001", "read_logs", format_at(END), "expired"),
        case(
            "revoked by the list", "valid", "NV-CAM-0001", "read_logs", during, "revoked", "v2_revokes_valid"
        ),
        case("a list without it", "valid", "NV-CAM-0001", "read_logs", during, "ok", "v1_empty"),
        case("signed by another key", "other_key", "NV-CAM-0001", "read_logs", during, "bad signature"),
        case(
            "payload changed after signing",
            "tampered_payload",
            "NV-CAM-0001",
            "read_logs",
            during,
            "bad signature",
        ),
        case("three segments", "three_segments", "NV-CAM-0001", "read_logs", during, "malformed"),
        case("not base64url", "not_base64", "NV-CAM-0001", "read_logs", during, "malformed"),
        case("empty token", "empty", "NV-CAM-0001", "read_logs", during, "malformed"),
    ]
    return {
        "about": (
            "Device-grant test vectors (conduct/device-grant/v1, conduct/grant-revocations/v1). "
            "Signed with a TEST "
            "key whose 32-byte Ed25519 seed is 00 01 02 ... 1f: never trust it on a device. "
            "For each case, verify "
            "`tokens[case.token]` with `public_key` for `device`, `scope` at time `at` (revoked ids from "
            "`revocation_lists[case.revocations]` when given, after verifying that list) "
            "and compare with `expected`. "
            "`revocation_list_cases` give the answer for each list: its version and ids, or `error`."
        ),
        "public_key": public.decode(),
        "test_private_key": private.decode(),
        "tokens": tokens,
        "revocation_lists": revocations,
        "revocation_list_cases": [
            {"list": "v1_empty", "expected": {"version": 1, "revoked": []}},
            {"list": "v2_revokes_valid", "expected": {"version": 2, "revoked": [grant.grant_id]}},
            {"list": "v2_other_key", "expected": {"error": "signature"}},
            {"list": "v1_empty", "min_version": 2, "expected": {"error": "older"}},
        ],
        "cases": cases,
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(build(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
