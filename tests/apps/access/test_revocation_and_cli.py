"""Revocation (customer or company), the signed versioned revocation list (API and CLI), the public key, and
the CLI path: request -> approve --json -> grants verify (exit 0 / 1 with the reason).
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conduct.apps.access import selectors, services
from conduct.apps.access.keys import grant_public_key
from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import Conflict, Forbidden
from conduct.core.grants import verify_revocations
from tests.apps.access.conftest import client_for


def _grant(world):
    request = services.access_request_create(
        actor=world.engineer, serials=["T-CAM-1"], scopes=["read_logs"], reason="r"
    )
    return services.access_request_approve(actor=world.approver, request=request)[0]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_another_customers_approver_cannot_revoke_but_the_company_can(world):
    grant = _grant(world)
    with pytest.raises(Forbidden):
        services.grant_revoke(actor=world.other_approver, grant=grant)
    services.grant_revoke(actor=CLI, grant=grant, comment="incident")
    with pytest.raises(Conflict):
        services.grant_revoke(actor=world.approver, grant=grant)


def test_each_revocation_signs_a_new_version_of_the_list(world):
    first, second = _grant(world), _grant(world)
    services.grant_revoke(actor=world.approver, grant=first)
    services.grant_revoke(actor=world.approver, grant=second)
    body = client_for(world.customer_user).get("/api/v1/grants/revocations").json()
    found = verify_revocations(grant_public_key(), body["token"])
    assert found.version == body["version"] and found.revoked >= {first.grant_id, second.grant_id}
    older = verify_revocations(grant_public_key(), selectors.revocations_current(actor=CLI).token)
    assert older.version == found.version


def test_grants_keys_prints_only_the_public_key(world):
    out = run("grants_keys")
    assert out.startswith("-----BEGIN PUBLIC KEY-----") and out.rstrip().endswith("-----END PUBLIC KEY-----")
    assert "PRIVATE" not in out and out.encode() == grant_public_key()


def test_the_cli_path_with_offline_verification(world, tmp_path):
    created = json.loads(
        run(
            "access_request",
            "--device",
            "T-CAM-1",
            "--scope",
            "read_logs",
            "--scope",
            "view_live",
            "--hours",
            "6",
            "--reason",
            "CLI",
            "--ticket",
            "T-7",
            "--as",
            "t_engineer",
            "--json",
        )
    )
    assert created["status"] == "pending" and created["id"]
    grant = json.loads(
        run("access_approve", str(created["id"]), "--as", "t_approver_metro", "--hours", "2", "--json")
    )
    assert set(grant) >= {"grant_id", "token", "not_before", "expires_at"}
    from conduct.apps.audit.models import LedgerEntry

    entry = LedgerEntry.objects.get(action="access_request.approve", object_id=str(created["id"]))
    assert entry.actor.endswith(":t_approver_metro") and entry.summary["operator"].startswith("cli")
    key = tmp_path / "key.pem"
    key.write_text(run("grants_keys"))
    at = grant["not_before"].replace("+00:00", "Z")

    def verify(*extra: str) -> tuple[int, str]:
        out = StringIO()
        try:
            call_command(
                "grants_verify", grant["token"], "--public-key", str(key), *extra, "--json", stdout=out
            )
        except SystemExit as exc:
            return int(exc.code), out.getvalue()
        return 0, out.getvalue()

    code, out = verify("--device", "T-CAM-1", "--scope", "read_logs", "--at", at)
    assert code == 0 and json.loads(out)["ok"] is True
    for extra, reason in [
        (("--device", "T-CAM-2", "--scope", "read_logs", "--at", at), "wrong device"),
        (("--device", "T-CAM-1", "--scope", "configure", "--at", at), "scope not granted"),
        (("--device", "T-CAM-1", "--scope", "read_logs", "--at", "2099-01-01T00:00:00Z"), "expired"),
    ]:
        code, out = verify(*extra)
        assert (code, json.loads(out)["reason"]) == (1, reason)
    run("access_revoke", grant["grant_id"], "--as", "t_approver_metro")
    revocations = tmp_path / "revoked.txt"
    call_command("grants_revocations", "--out", str(revocations), stdout=StringIO(), stderr=StringIO())
    code, out = verify(
        "--device", "T-CAM-1", "--scope", "read_logs", "--at", at, "--revocations", str(revocations)
    )
    assert (code, json.loads(out)["reason"]) == (1, "revoked")


def test_bad_tokens_are_refused_with_the_reason(world, tmp_path):
    grant = _grant(world)
    key = tmp_path / "key.pem"
    key.write_bytes(grant_public_key())
    payload, signature = grant.token.split(".")
    at = (grant.not_before + timedelta(minutes=1)).isoformat()
    for token, reason in [
        ("garbage", "malformed"),
        (f"{payload}.{signature}.x", "malformed"),
        (f"{payload[:-4]}AAAA.{signature}", "bad signature"),
    ]:
        out = StringIO()
        with pytest.raises(SystemExit) as caught:
            call_command(
                "grants_verify",
                token,
                "--public-key",
                str(key),
                "--device",
                "T-CAM-1",
                "--scope",
                "read_logs",
                "--at",
                at,
                "--json",
                stdout=out,
            )
        assert caught.value.code == 1 and json.loads(out.getvalue())["reason"] == reason


def test_a_cli_approval_by_a_non_approver_is_a_one_line_error(world):
    created = services.access_request_create(
        actor=world.engineer, serials=["T-CAM-1"], scopes=["read_logs"], reason="r"
    )
    with pytest.raises(CommandError) as caught:
        run("access_approve", str(created.pk), "--as", "t_engineer")
    assert "\n" not in str(caught.value) and "access.approve" in str(caught.value)
