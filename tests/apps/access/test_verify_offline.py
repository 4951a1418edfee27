"""`conduct grants verify` is what a device does: it reads no database (pytest-django refuses any query
here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conduct.core.grants import Grant, generate_keypair, sign_grant, sign_revocations

START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def signed(tmp_path):
    private, public = generate_keypair()
    key = tmp_path / "key.pem"
    key.write_bytes(public)
    grant = Grant(
        grant_id="g-offline",
        device_id="DEV-1",
        customer_id="customer:1",
        grantee="vendor-support:user:1:x",
        scopes=("read_logs",),
        not_before=START,
        expires_at=START + timedelta(hours=1),
    )
    revoked = tmp_path / "revoked.txt"
    revoked.write_text(
        sign_revocations(private, version=1, issued_at=START, revoked=frozenset({"g-offline"}))
    )
    return sign_grant(private, grant), key, revoked


def verify(token: str, *args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("grants_verify", token, *args, "--json", stdout=out)
    except SystemExit as exc:
        return int(exc.code), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def test_verify_answers_without_a_database(signed, tmp_path):
    token, key, revoked = signed
    base = ["--public-key", str(key), "--device", "DEV-1", "--scope", "read_logs"]
    assert verify(token, *base, "--at", "2026-05-01T08:30:00Z")[0] == 0
    assert verify(token, *base, "--at", "2026-05-01T07:59:59+00:00")[1]["reason"] == "not yet valid"
    assert verify(token, *base, "--at", "2026-05-01T08:30:00Z", "--revocations", str(revoked))[1][
        "reason"
    ] == ("revoked")
    token_file = tmp_path / "token.txt"
    token_file.write_text(token + "\n")
    assert verify(f"@{token_file}", *base, "--at", "2026-05-01T08:30:00Z")[0] == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--at", "soon"], "ISO 8601"), (["--at", "2026-05-01T08:30:00"], "offset")],
)
def test_bad_arguments_are_one_line_errors(signed, extra, message):
    token, key, _ = signed
    with pytest.raises(CommandError, match=message):
        call_command(
            "grants_verify", token, "--public-key", str(key), "--device", "D", "--scope", "s", *extra
        )


def test_a_forged_revocation_list_is_refused(signed, tmp_path):
    token, key, _ = signed
    other_private, _ = generate_keypair()
    forged = tmp_path / "forged.txt"
    forged.write_text(sign_revocations(other_private, version=9, issued_at=START, revoked=frozenset()))
    with pytest.raises(CommandError, match="signature"):
        call_command(
            "grants_verify",
            token,
            "--public-key",
            str(key),
            "--device",
            "DEV-1",
            "--scope",
            "read_logs",
            "--revocations",
            str(forged),
        )
