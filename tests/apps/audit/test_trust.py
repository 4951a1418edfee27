"""The ledger's trust against someone who can write the database: pinned keys, key rotation, records
reconciled with their latest entries, and a cut-off tail caught against a published checkpoint."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conduct.apps.audit import reconcile
from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.apps.audit.selectors import latest_checkpoint
from conduct.apps.audit.services import (
    LedgerItem,
    Published,
    checkpoint_create,
    iter_records,
    ledger_append_many,
    ledger_key_rotate,
    ledger_verify,
    signing_keys,
    to_record,
)
from conduct.core import ledger as core_ledger
from tests.factories.audit import GateDecisionFactory, LedgerEntryFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_folder(tmp_path: Path, settings: Any) -> Path:
    """A key folder of the test's own holding the installation's current key (so checkpoints already stored
    still verify): a rotation replaces the copy, never the shared key."""
    current: Path = settings.CONDUCT["SIGNING_KEY_PATH"]
    signing_keys()  # make sure it exists
    folder = tmp_path / "keys"
    folder.mkdir()
    for path in current.parent.glob("*.pem"):
        shutil.copy2(path, folder / path.name)
    settings.CONDUCT = {**settings.CONDUCT, "SIGNING_KEY_PATH": folder / current.name}
    return folder


def _verify_cli(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _verify_api(client: Any, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/ledger/verify{query}", **headers)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _verify_page(client: Any, **data: str) -> str:
    response = client.post(reverse("ledger-verify"), data)
    assert response.status_code == 200
    return response.content.decode()


def _forge(victim: LedgerEntry, summary: dict[str, Any]) -> None:
    """What an attacker with write access to the database does: rewrite one entry, recompute every later
    hash and the head, and re-sign the checkpoints from there on with a key of their own, stored in the
    row."""
    forged_private, forged_public = core_ledger.generate_keypair()
    prev = victim.prev_hash
    for entry in LedgerEntry.objects.filter(seq__gte=victim.seq).order_by("seq"):
        record = replace(
            to_record(entry), prev_hash=prev, summary=summary if entry.pk == victim.pk else entry.summary
        )
        prev = core_ledger.compute_hash(record)
        LedgerEntry.objects.filter(pk=entry.pk).update(
            summary=record.summary, prev_hash=record.prev_hash, hash=prev
        )
    LedgerHead.objects.filter(pk=1).update(hash=prev)
    hashes = dict(LedgerEntry.objects.values_list("seq", "hash"))
    for cp in Checkpoint.objects.filter(seq__gte=victim.seq):
        signed = core_ledger.sign_checkpoint(forged_private, seq=cp.seq, head_hash=hashes[cp.seq], at=cp.at)
        Checkpoint.objects.filter(pk=cp.pk).update(
            head_hash=hashes[cp.seq],
            key_id=signed.checkpoint.key_id,
            signature=signed.signature,
            public_key_pem=forged_public.decode(),
        )
        # The forgery is sound by the row's own key: that is what verification used to trust.
        assert core_ledger.verify_checkpoint(forged_public, signed)


def test_a_ledger_rewritten_and_re_signed_with_a_key_stored_in_the_row_fails_in_the_cli_api_and_page(
    officer: Any, api_client: Any, bearer: Any
) -> None:
    decision = GateDecisionFactory(outcome="deny")
    victim = LedgerEntry.objects.get(object_type="gate_decision", object_id=str(decision.pk))
    LedgerEntryFactory.create_batch(2)
    checkpoint_create(actor="test")
    assert ledger_verify().ok

    _forge(victim, {**victim.summary, "outcome": "allow"})
    assert core_ledger.verify_chain(iter_records()).ok  # hashes and head recomputed: only the keys tell

    result = ledger_verify()
    assert not result.ok
    last = Checkpoint.objects.order_by("-seq", "-pk").first()
    assert last is not None and result.first_bad_seq is not None
    assert "not a trusted key" in result.reason and last.key_id in result.reason
    code, _, err = _verify_cli()
    assert code == 1
    assert "checkpoint at #" in err and "not a trusted key" in err
    body = _verify_api(api_client(), bearer(officer))
    assert body["ok"] is False and "not a trusted key" in body["reason"]
    page = _verify_page(api_client(officer))
    assert "does NOT verify" in page and "not a trusted key" in page


def test_a_checkpoint_signed_by_an_unknown_key_fails_and_names_the_checkpoint() -> None:
    LedgerEntryFactory()
    head = LedgerHead.objects.get()
    private, public = core_ledger.generate_keypair()
    signed = core_ledger.sign_checkpoint(private, seq=head.seq, head_hash=head.hash, at=timezone.now())
    cp = Checkpoint.objects.create(
        seq=head.seq,
        head_hash=head.hash,
        at=signed.checkpoint.at,
        key_id=signed.checkpoint.key_id,
        signature=signed.signature,
        public_key_pem=public.decode(),
    )
    result = ledger_verify()
    assert not result.ok and result.first_bad_seq == cp.seq
    assert f"checkpoint at #{cp.seq} (id {cp.pk})" in result.reason
    code, _, err = _verify_cli()
    assert code == 1 and f"checkpoint at #{cp.seq}" in err


def test_trusted_fingerprints_restrict_the_keys_in_the_folder(settings: Any) -> None:
    checkpoint_create(actor="test")
    fingerprint = core_ledger.public_key_fingerprint(signing_keys()[1])
    settings.LEDGER_TRUSTED_KEYS = [fingerprint.upper()]
    assert ledger_verify().ok
    settings.LEDGER_TRUSTED_KEYS = ["ab" * 32]
    result = ledger_verify()
    assert not result.ok and "not a trusted key" in result.reason
    assert any("not in LEDGER_TRUSTED_KEYS" in p for p in result.key_problems)
    assert any("no key file" in p for p in result.key_problems)


def test_key_rotation_is_a_ledger_event_signed_with_the_old_key_and_both_keys_verify(
    key_folder: Any, capsys: Any
) -> None:
    before = checkpoint_create(actor="test")
    published = Published.from_mapping(latest_checkpoint() or {})
    assert ledger_verify(published=published).ok
    old_fingerprint = core_ledger.public_key_fingerprint(signing_keys()[1])

    call_command("audit_rotate_key")
    assert "Rotated the signing key" in capsys.readouterr().out

    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "ledger.key_rotate"
    new_fingerprint = core_ledger.public_key_fingerprint(signing_keys()[1])
    assert new_fingerprint != old_fingerprint
    assert entry.summary["from_key"] == old_fingerprint and entry.summary["to_key"] == new_fingerprint
    assert entry.object_id == new_fingerprint[:16]
    rotation_cp = Checkpoint.objects.get(seq=entry.seq, reason="key rotation")
    assert rotation_cp.key_id == old_fingerprint[:16] == before.key_id  # signed with the OLD key
    after = checkpoint_create(actor="test")
    assert after.key_id == new_fingerprint[:16]  # later checkpoints: the new key
    assert (key_folder / f"ledger_ed25519.{old_fingerprint[:16]}.pub.pem").is_file()  # old public key kept

    result = ledger_verify(published=published)  # a checkpoint published before the rotation still verifies
    assert result.ok, result.reason
    assert {old_fingerprint[:16], new_fingerprint[:16]} <= set(result.trusted_keys)
    assert result.checkpoints_checked >= 3
    code, out, _ = _verify_cli()
    assert code == 0 and "OK:" in out
    ledger_key_rotate(actor="test")  # a second rotation keeps both earlier public keys
    assert ledger_verify().ok


def test_a_review_decision_changed_to_allow_in_the_database_is_caught_by_records(
    officer: Any, api_client: Any, bearer: Any
) -> None:
    decision = GateDecisionFactory(outcome="review")
    entry = LedgerEntry.objects.get(object_type="gate_decision", object_id=str(decision.pk))
    assert entry.state  # the entry carries the decision's state hash
    with connection.cursor() as cursor:
        cursor.execute("update gates_gatedecision set outcome='allow' where id = %s", [decision.pk])

    assert ledger_verify().ok  # the chain itself is intact
    result = ledger_verify(records=True)
    assert not result.ok
    assert [(p.object_type, p.object_id, p.seq) for p in result.record_problems] == [
        ("gate_decision", str(decision.pk), entry.seq)
    ]
    assert f"gate_decision {decision.pk}" in result.reason and f"#{entry.seq}" in result.reason
    code, _, err = _verify_cli("--records")
    assert code == 1 and f"gate_decision {decision.pk} (entry #{entry.seq})" in err
    body = _verify_api(api_client(), bearer(officer), "?records=1")
    assert body["ok"] is False and body["records_checked"] is True
    assert body["record_problems"][0]["object_id"] == str(decision.pk)
    assert body["record_problems"][0]["seq"] == entry.seq
    page = _verify_page(api_client(officer), records="1")
    assert f"gate_decision {decision.pk}" in page


def test_a_supplier_renamed_in_the_database_is_caught_by_records() -> None:
    supplier = SupplierFactory()
    entry = LedgerEntry.objects.get(object_type="supplier", object_id=str(supplier.pk))
    with connection.cursor() as cursor:
        cursor.execute(
            "update suppliers_supplier set name = 'Renamed Quietly Ltd' where id = %s", [supplier.pk]
        )
    result = ledger_verify(records=True)
    assert not result.ok
    assert [(p.object_type, p.object_id, p.seq) for p in result.record_problems] == [
        ("supplier", str(supplier.pk), entry.seq)
    ]
    code, _, err = _verify_cli("--records")
    assert code == 1 and f"supplier {supplier.pk} (entry #{entry.seq})" in err


def test_records_that_match_verify_and_entries_without_state_are_not_reconcilable_not_mismatches(
    monkeypatch: Any,
) -> None:
    assert ledger_verify(records=True).ok  # the demo organisation reconciles
    with monkeypatch.context() as patch:  # an entry written before entries carried a state
        patch.setattr(reconcile, "tracked", lambda object_type: None)
        old = SupplierFactory()
    assert LedgerEntry.objects.get(object_type="supplier", object_id=str(old.pk)).state == ""
    with connection.cursor() as cursor:
        cursor.execute("update suppliers_supplier set name = 'Old And Changed' where id = %s", [old.pk])
    result = ledger_verify(records=True)
    assert result.ok, result.reason
    assert result.records is not None
    counts = {c.object_type: c for c in result.records.counts}
    assert counts["supplier"].older == 1 and counts["supplier"].mismatched == 0
    code, out, _ = _verify_cli("--records")
    assert code == 0 and "1 not reconcilable (older entry)" in out


def test_a_later_service_change_moves_the_state_and_still_verifies() -> None:
    supplier = SupplierFactory()
    supplier.name = "Renamed Properly Ltd"
    supplier.save(update_fields=["name"])
    LedgerEntryFactory(action="supplier.update", object_type="supplier", object_id=supplier.pk, summary={})
    assert ledger_verify(records=True).ok


def test_the_state_from_the_callers_row_equals_the_state_read_back() -> None:
    decision = GateDecisionFactory(ledgered=False)
    spec = reconcile.tracked("gate_decision")
    assert spec is not None
    decision.refresh_from_db()
    assert (
        reconcile.state_of_instance(spec, decision)
        == reconcile.states_from_rows(spec, [str(decision.pk)])[str(decision.pk)]
    )
    given, read = ledger_append_many(
        actor="test",
        items=[
            LedgerItem("gate.decide", "gate_decision", decision.pk, {}, row=decision),
            LedgerItem("gate.decide", "gate_decision", decision.pk, {}),
        ],
    )
    assert given.state == read.state != ""
    assert ledger_append_many(actor="test", items=[LedgerItem("x", "supplier", "*", {})])[0].state == ""


def test_a_tail_cut_off_after_the_last_checkpoint_is_caught_against_the_published_checkpoint(
    tmp_path: Any,
) -> None:
    LedgerEntryFactory.create_batch(2)
    kept = checkpoint_create(actor="test")
    LedgerEntryFactory.create_batch(3)
    checkpoint_create(actor="test", reason="report 2026")
    published = latest_checkpoint()
    assert published is not None and published["key_fingerprint"]
    path = tmp_path / "published.json"
    path.write_text(json.dumps(published))

    # The attacker deletes everything after the checkpoint they keep, the later checkpoints, and the head.
    LedgerEntry.objects.filter(seq__gt=kept.seq).delete()
    Checkpoint.objects.filter(seq__gt=kept.seq).delete()
    LedgerHead.objects.filter(pk=1).update(seq=kept.seq, hash=kept.head_hash)
    assert ledger_verify().ok  # consistent in itself: only a checkpoint kept elsewhere shows the cut

    code, _, err = _verify_cli("--checkpoint", str(path))
    assert code == 1 and "truncated" in err and f"#{published['seq']}" in err
    code, _, err = _verify_cli("--published", f"{published['seq']}:{published['head_hash']}")
    assert code == 1 and "truncated" in err
    code, _, err = _verify_cli("--published", "12:nothex")
    assert code == 2


def test_a_stored_checkpoint_past_the_end_of_the_ledger_shows_the_cut() -> None:
    LedgerEntryFactory.create_batch(2)
    head = LedgerHead.objects.get()
    LedgerEntryFactory.create_batch(2)
    cp = checkpoint_create(actor="test")
    LedgerEntry.objects.filter(seq__gt=head.seq).delete()
    LedgerHead.objects.filter(pk=1).update(seq=head.seq, hash=head.hash)
    result = ledger_verify()
    assert not result.ok and "past the end of the ledger" in result.reason and f"#{cp.seq}" in result.reason


def test_the_api_refuses_a_malformed_published_checkpoint(officer: Any, api_client: Any, bearer: Any) -> None:
    response = api_client().get("/api/v1/ledger/verify?published=abc", **bearer(officer))
    assert response.status_code == 422
    assert "published" in response.json()["error"]["fields"]


def test_a_checkpoint_is_signed_every_n_entries_in_the_appending_transaction(settings: Any) -> None:
    settings.LEDGER_CHECKPOINT_EVERY = 4
    head = LedgerHead.objects.get().seq
    LedgerEntryFactory.create_batch(8)
    signed = list(
        Checkpoint.objects.filter(reason="every 4 entries", seq__gt=head).values_list("seq", flat=True)
    )
    assert signed and all(seq % 4 == 0 for seq in signed)
    assert len(signed) == (head + 8) // 4 - head // 4
    assert ledger_verify().ok


def test_the_export_carries_the_latest_checkpoint_and_verifies_offline(tmp_path: Any) -> None:
    checkpoint_create(actor="test")
    published = latest_checkpoint()
    assert published is not None
    export, key, cp_file = tmp_path / "ledger.jsonl", tmp_path / "key.pem", tmp_path / "cp.json"
    call_command("audit_export", out=export, public_key_out=key, checkpoint_out=cp_file)
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    assert {k: published[k] for k in ("seq", "head_hash", "signature")} in [
        {k: line.get(k) for k in ("seq", "head_hash", "signature")}
        for line in lines
        if line["type"] == "checkpoint"
    ]
    assert json.loads(cp_file.read_text())["seq"] == published["seq"]
    with export.open() as fh:
        assert core_ledger.verify_export(fh, public_pem=key.read_bytes()).ok


def test_a_checkpoint_is_signed_when_the_latest_is_older_than_the_hours_setting(
    settings: Any, monkeypatch: Any
) -> None:
    from conduct.apps.audit import services

    settings.LEDGER_CHECKPOINT_HOURS = 1
    # The latest checkpoint, signed two hours ago (a validly signed one: rewriting the `at` of stored
    # checkpoints would break their signatures, which earlier tests on this database may have made).
    two_hours_ago = timezone.now() - timedelta(hours=2)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: two_hours_ago)
        checkpoint_create(actor="test", reason="two hours ago")
    monkeypatch.setattr(services, "_next_hourly_check", 0.0)
    entry = LedgerEntryFactory()
    assert Checkpoint.objects.filter(reason="hourly", seq=entry.seq).exists()
    LedgerEntryFactory()  # checked again a minute later at the earliest
    assert Checkpoint.objects.filter(reason="hourly").count() == 1
    assert ledger_verify().ok
