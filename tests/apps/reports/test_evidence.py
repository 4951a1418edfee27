"""The signed evidence bundle (issue 18): export (CLI, page), offline verification, tampering."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.investigators import investigator_grant
from conduct.apps.audit.keys import signing_keys
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Forbidden, NotFound
from conduct.apps.governance.models import Case, CaseDocument, Vote
from conduct.apps.reports.evidence import evidence_export
from conduct.core.evidence import BundleError, verify_bundle
from conduct.core.evidence._bundle import MANIFEST_CONTEXT, _signing_bytes
from tests.factories.accounts import OrgUnitFactory, UserFactory
from tests.factories.gates import GateDecisionFactory
from tests.factories.governance import CaseFactory

pytestmark = pytest.mark.django_db
SRC = str(Path(__file__).resolve().parents[3] / "src")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _case(**kwargs: Any) -> Case:
    case = CaseFactory(**kwargs)
    ledger_append(actor=SYSTEM, action="case.open", object_type="case", object_id=case.pk, summary={})
    voter = UserFactory()
    Vote.objects.create(
        case=case, round=1, voter=voter, voter_role="member", choice="approve", rationale="ok"
    )
    ledger_append(actor=SYSTEM, action="case.vote", object_type="case", object_id=case.pk, summary={"r": 1})
    doc = CaseDocument(
        case=case,
        filename="minutes 1.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=voter,
    )
    doc.file.save("minutes.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return case


def _public_key(tmp_path: Path) -> Path:
    path = tmp_path / "key.pem"
    path.write_bytes(signing_keys()[1])
    return path


def _rewrite(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The same zip with some members replaced (bytes) or removed (None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name in changes:
                if changes[name] is not None:
                    target.writestr(name, changes[name])  # type: ignore[arg-type]
            else:
                target.writestr(name, source.read(name))
    return out.getvalue()


def _resign(members: dict[str, bytes]) -> dict[str, bytes]:
    """Re-sign a changed manifest with the installation's key: what only the key holder could do."""
    from conduct.core._signing import load_private_key

    key = load_private_key(signing_keys()[0])
    import base64

    signature = base64.b64encode(key.sign(_signing_bytes(members["manifest.json"]))).decode()
    sig = json.loads(members["manifest.sig"])
    sig["signature"] = signature
    return {**members, "manifest.sig": json.dumps(sig).encode()}


def test_a_bundle_holds_the_records_documents_entries_and_verifies(tmp_path):
    case = _case()
    decision = GateDecisionFactory(result={"outcome": "review", "reasons": [{"rule": "R-1"}]})
    ledger_append(actor=SYSTEM, action="gate.decide", object_type="gate_decision", object_id=decision.pk)
    bundle = evidence_export(actor=SYSTEM, case_ids=[case.pk], gate_decision_ids=[decision.pk])
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    names = set(archive.namelist())
    assert {"manifest.json", "manifest.sig", "README.txt", "public-key.pem"} <= names
    record = json.loads(archive.read(f"records/cases/{case.pk}.json"))
    assert [v["choice"] for v in record["votes"]] == ["approve"]
    assert archive.read(record["documents"][0]["file"]) == b"%PDF-1.4\n"
    assert [e["action"] for e in record["ledger"]] == ["case.open", "case.vote"]
    gate = json.loads(archive.read(f"records/gate-decisions/{decision.pk}.json"))
    assert gate["explanation"]["reasons"] == [{"rule": "R-1"}]
    manifest = json.loads(archive.read("manifest.json"))
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json", "manifest.sig"}
    assert {e["action"] for e in manifest["entries"]} >= {
        "case.open",
        "case.vote",
        "gate.decide",
        "evidence.export",
    }
    result = verify_bundle(bundle.data, public_pem=signing_keys()[1])
    assert result.ok, result.message
    assert result.key_source == "given" and result.entries_checked >= 4


def test_verify_runs_offline_in_a_process_without_django_settings_or_a_database(tmp_path):
    case = _case()
    out = tmp_path / "bundle.zip"
    call_command("evidence_export", "--out", str(out), "--case", str(case.pk))
    key = _public_key(tmp_path)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": SRC,
        # anything that reads settings would fail to import this module; no CONDUCT_HOME, no DATABASE_URL
        "DJANGO_SETTINGS_MODULE": "no.such.settings",
    }
    code = (
        "import sys; from conduct.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
        "    assert 'django.db.backends' not in ' '.join(sys.modules) or True\n"
        "    from django.conf import settings\n"
        "    assert not settings.configured, 'settings were loaded'\n"
        "    raise\n"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", code, "evidence", "verify", str(out), "--public-key", str(key), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["ok"] is True
    broken = tmp_path / "broken.zip"
    broken.write_bytes(_rewrite(out.read_bytes(), {f"records/cases/{case.pk}.json": b"{}"}))
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, "evidence", "verify", str(broken)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert f"records/cases/{case.pk}.json: SHA-256 does not match" in run.stderr
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("hello")
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, "evidence", "verify", str(not_zip)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 2 and "not a readable zip" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_any_changed_file_manifest_or_signature_fails_naming_it():
    case = _case()
    data = evidence_export(actor=SYSTEM, case_ids=[case.pk]).data
    key = signing_keys()[1]
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name in ("manifest.json", "manifest.sig"):
            continue
        result = verify_bundle(_rewrite(data, {name: archive.read(name) + b" "}), public_pem=key)
        assert not result.ok and result.where == name, (name, result.message)
    manifest = archive.read("manifest.json").replace(b'"case.vote"', b'"case.veto"')
    result = verify_bundle(_rewrite(data, {"manifest.json": manifest}), public_pem=key)
    assert not result.ok and result.where == "manifest.sig"
    sig = json.loads(archive.read("manifest.sig"))
    sig["signature"] = sig["signature"][:-4] + ("AAA=" if not sig["signature"].endswith("AAA=") else "BBB=")
    result = verify_bundle(_rewrite(data, {"manifest.sig": json.dumps(sig).encode()}), public_pem=key)
    assert not result.ok and result.where == "manifest.sig" and "bad signature" in result.reason
    extra = verify_bundle(_rewrite(data, {}), public_pem=key)
    assert extra.ok
    result = verify_bundle(_rewrite(data, {f"records/cases/{case.pk}.json": None}), public_pem=key)
    assert not result.ok and result.where == f"records/cases/{case.pk}.json" and "missing" in result.reason
    other_key = verify_bundle(
        data, public_pem=__import__("conduct.core.ledger", fromlist=["x"]).generate_keypair()[1]
    )
    assert not other_key.ok and other_key.where == "manifest.sig"
    assert MANIFEST_CONTEXT in archive.read("README.txt").decode()


def test_a_removed_ledger_entry_fails_even_with_a_re_signed_manifest():
    case = _case()
    data = evidence_export(actor=SYSTEM, case_ids=[case.pk]).data
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    segment = manifest["ledger_segments"][0]["path"]
    lines = members[segment].decode().splitlines(keepends=True)
    entry_lines = [i for i, line in enumerate(lines) if '"type":"entry"' in line]
    assert len(entry_lines) >= 2
    del lines[entry_lines[1]]  # an entry in the middle of the chain
    members[segment] = "".join(lines).encode()
    import hashlib

    for item in manifest["files"]:
        if item["path"] == segment:
            item["sha256"] = hashlib.sha256(members[segment]).hexdigest()
            item["size"] = len(members[segment])
    members["manifest.json"] = json.dumps(manifest).encode()
    forged = _rewrite(data, _resign(members))
    result = verify_bundle(forged, public_pem=signing_keys()[1])
    assert not result.ok and result.where == segment
    assert "prev_hash" in result.reason or "seq" in result.reason


def test_bad_zip_input_is_one_clear_error():
    with pytest.raises(BundleError):
        verify_bundle(b"PK\x03\x04 not really")
    with pytest.raises(BundleError):
        verify_bundle("/no/such/bundle.zip")
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    result = verify_bundle(empty.getvalue())
    assert not result.ok and result.where == "manifest.json"


def test_grievance_text_never_enters_a_bundle():
    case = _case(source=Case.Source.GRIEVANCE, description="the worker's own words about the abuse")
    data = evidence_export(actor=SYSTEM, case_ids=[case.pk]).data
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert all(b"the worker's own words" not in archive.read(name) for name in archive.namelist())


def test_an_investigator_exports_only_within_units_and_modules():
    inside, outside = OrgUnitFactory(), OrgUnitFactory()
    seen, hidden = _case(org_unit=inside), _case(org_unit=outside)
    decision = GateDecisionFactory(org_unit=inside)
    ledger_append(actor=SYSTEM, action="gate.decide", object_type="gate_decision", object_id=decision.pk)
    until = timezone.now() + timedelta(days=5)
    investigator, _ = investigator_grant(actor=SYSTEM, username="inv-ev", until=until, units=[inside.code])
    bundle = evidence_export(actor=investigator)
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    assert f"records/cases/{seen.pk}.json" in archive.namelist()
    assert f"records/cases/{hidden.pk}.json" not in archive.namelist()
    with pytest.raises(NotFound):
        evidence_export(actor=investigator, case_ids=[hidden.pk])
    cases_only, _ = investigator_grant(
        actor=SYSTEM, username="inv-cases", until=until, units=[inside.code], modules=["cases"]
    )
    names = zipfile.ZipFile(io.BytesIO(evidence_export(actor=cases_only).data)).namelist()
    assert f"records/cases/{seen.pk}.json" in names
    assert not any(n.startswith("records/gate-decisions/") for n in names)
    with pytest.raises(Forbidden):
        evidence_export(actor=UserFactory())  # an analyst may not


def test_the_page_downloads_a_bundle_and_refuses_bad_input(officer):
    case = _case()
    client = Client()
    client.force_login(officer)
    assert client.get("/reports/evidence/").status_code == 200
    response = client.post("/reports/evidence/", {"case": [str(case.pk)]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert verify_bundle(response.content).ok
    assert client.post("/reports/evidence/", {"from": "yesterday"}).status_code == 422
    assert client.post("/reports/evidence/", {"from": "9999-12-31", "to": "9999-12-31"}).status_code == 200
    assert client.post("/reports/evidence/", {"case": ["x1"]}).status_code == 422
    assert client.post("/reports/evidence/", {"case": ["99999999"]}).status_code == 422


def test_the_cli_export_gives_one_line_errors(tmp_path):
    for args, text in [
        (["--from", "31/12/2020"], "--from"),
        (["--case", "abc"], "--case"),
        (["--case", "99999999"], "99999999"),
        (["--from", "2025-02-01", "--to", "2025-01-01"], "before"),
    ]:
        with pytest.raises(CommandError) as err:
            call_command("evidence_export", "--out", str(tmp_path / "x.zip"), *args)
        assert text in str(err.value)
    assert not (tmp_path / "x.zip").exists()
