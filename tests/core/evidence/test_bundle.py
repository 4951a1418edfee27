"""conduct.core.evidence without a database: a bundle written with a fresh key verifies, and each kind of
change is named."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from conduct.core import ledger
from conduct.core.evidence import BundleError, LedgerSegment, bundle_bytes, main, verify_bundle

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _chain(n: int) -> list[ledger.LedgerRecord]:
    records, prev = [], ledger.GENESIS_HASH
    for seq in range(1, n + 1):
        record = ledger.seal_record(
            seq=seq,
            at=AT,
            actor="cli",
            action="case.open",
            object_type="case",
            object_id=str(seq),
            summary={"n": seq},
            prev_hash=prev,
        )
        records.append(record)
        prev = record.hash
    return records


def _bundle(private_pem: bytes, public_pem: bytes, records: list[ledger.LedgerRecord]) -> bytes:
    last = records[-1]
    checkpoint = ledger.sign_checkpoint(private_pem, seq=last.seq, head_hash=last.hash, at=AT)
    text = "".join(
        ledger.export_lines(
            records[2:], checkpoints=[checkpoint], start_seq=3, prev_hash=records[2].prev_hash
        )
    )
    segment = LedgerSegment(path="ledger/segment-001.jsonl", text=text, first_seq=3, last_seq=last.seq)
    return bundle_bytes(
        files={"records/cases/3.json": b'{"id": 3}\n'},
        segments=[segment],
        entries=[
            {"seq": 3, "hash": records[2].hash, "action": "case.open", "record": "records/cases/3.json"}
        ],
        selection={"cases": [3]},
        created_at=AT,
        private_pem=private_pem,
        checkpoint_keys=[public_pem],
        readme="check me",
    )


@pytest.fixture
def keys() -> tuple[bytes, bytes]:
    return ledger.generate_keypair()


def test_a_bundle_verifies_with_its_key_and_says_when_the_key_was_its_own(keys):
    private_pem, public_pem = keys
    data = _bundle(private_pem, public_pem, _chain(6))
    given = verify_bundle(data, public_pem=public_pem)
    assert given.ok and given.key_source == "given" and given.entries_checked == 4
    own = verify_bundle(data)
    assert own.ok and own.key_source == "bundle" and "inside the bundle" in own.message


def test_a_changed_record_or_an_unlisted_file_is_named(keys):
    private_pem, public_pem = keys
    data = _bundle(private_pem, public_pem, _chain(6))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            target.writestr(name, b'{"id": 4}\n' if name == "records/cases/3.json" else body)
        target.writestr("extra.txt", b"x")
    result = verify_bundle(out.getvalue(), public_pem=public_pem)
    assert not result.ok and result.where == "records/cases/3.json"


def test_another_key_fails_on_the_signature(keys):
    private_pem, public_pem = keys
    data = _bundle(private_pem, public_pem, _chain(4))
    result = verify_bundle(data, public_pem=ledger.generate_keypair()[1])
    assert not result.ok and result.where == "manifest.sig"


def test_the_cli_answers_0_1_and_2(tmp_path, keys, capsys):
    private_pem, public_pem = keys
    good = tmp_path / "b.zip"
    good.write_bytes(_bundle(private_pem, public_pem, _chain(5)))
    key = tmp_path / "k.pem"
    key.write_bytes(public_pem)
    assert main([str(good), "--public-key", str(key), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main([str(good), "--public-key", str(key.with_name("none.pem"))]) == 2
    other = tmp_path / "o.pem"
    other.write_bytes(ledger.generate_keypair()[1])
    assert main([str(good), "--public-key", str(other)]) == 1
    assert "manifest.sig" in capsys.readouterr().err
    (tmp_path / "bad.zip").write_text("no")
    assert main([str(tmp_path / "bad.zip")]) == 2
    with pytest.raises(BundleError):
        verify_bundle(str(tmp_path))
