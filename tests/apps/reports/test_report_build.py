"""The transparency report: built from the demo organisation into every output, frozen with a signed manifest
and a ledger checkpoint, and verified without the system, failing when any byte of any file changes."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from django.core.management import call_command
from django.utils import timezone

from conduct.apps.audit.services import signing_keys
from conduct.apps.reports.transparency.manifest import verify_report_dir

YEAR = timezone.localdate().year
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return tmp_path_factory.mktemp("keys") / "ledger_ed25519.pem"


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """One report built with the CLI for the whole module (WeasyPrint takes a few seconds)."""
    out = tmp_path_factory.mktemp("report") / "2026"
    # The installation's own key: this build commits its checkpoint for the rest of the session, and a
    # checkpoint signed by a throwaway key would not verify in the ledger's own tests.
    with django_db_blocker.unblock():
        call_command("report_build", "--year", str(YEAR), "--out", str(out))
    return out


@pytest.fixture
def copy(built, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(built, target)
    return target


def test_report_build_writes_every_output(built):
    names = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    assert {"index.html", "report.pdf", "data.json", "manifest.json", "public_key.pem"} <= names
    assert {"charts/heatmap.svg", "charts/gates.svg", "charts/certificates.svg"} <= names
    assert {
        "data/certification_coverage.csv",
        "data/gate_decisions.csv",
        "data/salient_issues.csv",
        "data/ungp_reporting_framework_index.csv",
        "data/governance_committees.csv",
    } <= names
    assert (built / "report.pdf").read_bytes().startswith(b"%PDF-")
    html = (built / "index.html").read_text()
    assert '<html lang="en">' in html and "<caption>" in html and 'scope="col"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert "not yet in use" not in html  # the grievances section has its figures (counts only)
    assert 'id="grievances"' in html and "UNGP 31 criteria evidenced" in html


def test_every_figure_is_in_data_json_and_the_csv_files(built):
    data = json.loads((built / "data.json").read_text())
    for table in data["tables"]:
        with (built / "data" / f"{table['id']}.csv").open(newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == table["columns"]
        assert rows[1:] == [[str(v) for v in row] for row in table["rows"]]
    salient = next(t for t in data["tables"] if t["id"] == "salient_issues")
    assert len(salient["rows"]) == 5  # the demo's salient risks
    assert any(c["count"] for row in data["heatmap"] for c in row)
    questions = {q["id"]: q for q in data["ungp_index"]}
    assert questions["B1"]["status"] == "addressed" and questions["C6.1"]["status"] == "addressed"


@pytest.mark.django_db
def test_certification_coverage_counts_active_suppliers_with_valid_certificates(built):
    from conduct.apps.suppliers.models import Certificate, Supplier

    data = json.loads((built / "data.json").read_text())
    rows = {r[0]: r for r in next(t for t in data["tables"] if t["id"] == "certification_coverage")["rows"]}
    today = timezone.localdate()
    active = Supplier.objects.filter(status="active")
    for standard in ("SA8000", "ISO 45001", "ISO 14001"):
        holders = {
            c.supplier_id
            for c in Certificate.objects.filter(standard=standard, supplier__in=active)
            if c.withdrawn_at is None and c.valid_until >= today
        }
        assert rows[standard][1] == len(holders), standard
        assert rows[standard][2] == active.count()


@pytest.mark.django_db
def test_the_report_verifies_and_the_publication_is_in_the_ledger(built, capsys, keys):
    from conduct.apps.audit.models import Checkpoint, LedgerEntry
    from conduct.apps.reports.models import Report

    call_command("report_verify", str(built))
    assert capsys.readouterr().out.startswith("OK: ")
    manifest = json.loads((built / "manifest.json").read_text())
    entry = LedgerEntry.objects.get(seq=manifest["publication"]["seq"])
    assert entry.action == "report.publish" and entry.hash == manifest["checkpoint"]["head_hash"]
    assert entry.summary["content_digest"] == manifest["content_digest"]
    assert Checkpoint.objects.filter(seq=entry.seq).exists()
    report = Report.objects.get(pk=manifest["report"]["id"])
    assert report.state == "published" and report.path == str(built)
    assert verify_report_dir(built, public_pem=signing_keys()[1]).ok


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "report.pdf",
        "data.json",
        "data/certification_coverage.csv",
        "charts/heatmap.svg",
        "public_key.pem",
        "manifest.json",
    ],
)
@pytest.mark.parametrize("where", [0, 0.5, -1])
def test_changing_any_byte_of_any_file_fails_verification(copy, name, where):
    path = copy / name
    data = bytearray(path.read_bytes())
    index = int(len(data) * where) if where >= 0 else len(data) - 1
    data[index] = (data[index] + 1) % 256
    path.write_bytes(bytes(data))
    result = verify_report_dir(copy)
    assert not result.ok
    assert name in result.message or "manifest.json" in result.message or "public key" in result.message


def test_the_signature_value_cannot_be_rewritten_even_where_base64_would_decode_the_same(copy):
    path = copy / "manifest.json"
    manifest = json.loads(path.read_text())
    value = manifest["signature"]["value"]
    last = value.rstrip("=")[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    sibling = alphabet[alphabet.index(last) ^ 1]  # differs only in bits the decoder drops
    manifest["signature"]["value"] = value.replace(last + "==", sibling + "==")
    path.write_text(json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    assert not verify_report_dir(copy).ok


def test_a_removed_or_added_file_and_a_foreign_key_fail(copy, tmp_path, capsys):
    from conduct.core.ledger import generate_keypair

    (tmp_path / "other.pem").write_bytes(generate_keypair()[1])
    with pytest.raises(SystemExit) as exit_info:
        call_command("report_verify", str(copy), "--public-key", str(tmp_path / "other.pem"))
    assert exit_info.value.code == 1
    assert "pinned" in capsys.readouterr().err
    (copy / "extra.html").write_text("<p>not part of it</p>")
    assert "extra.html" in verify_report_dir(copy).message
    (copy / "extra.html").unlink()
    (copy / "charts" / "gates.svg").unlink()
    result = verify_report_dir(copy)
    assert not result.ok and "charts/gates.svg: missing" in result.message


@pytest.mark.django_db
def test_report_build_refuses_a_folder_with_files_and_a_future_year(built, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("report_build", "--year", str(YEAR), "--out", str(built))
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        call_command("report_build", "--year", str(YEAR + 1), "--out", str(tmp_path / "future"))
    assert exit_info.value.code == 2
    assert not (tmp_path / "future").exists()


@pytest.mark.django_db
def test_the_ui_builds_a_report_in_the_background_and_serves_its_files(
    api_client, officer, auditor, tmp_path, settings, keys
):
    settings.CONDUCT = {**settings.CONDUCT, "REPORTS_DIR": tmp_path / "reports", "SIGNING_KEY_PATH": keys}
    client = api_client(officer)
    response = client.post("/reports/build", {"year": str(YEAR)})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Published" in html, html
    report_id = int(response["Location"].rstrip("/").split("/")[-1])
    served = client.get(f"/reports/{report_id}/files/index.html")
    assert b"".join(served.streaming_content)  # read to the end: the test client then closes the file
    assert served.status_code == 200
    assert client.get(f"/reports/{report_id}/files/../../etc/passwd").status_code == 404
    api = api_client(auditor).get(f"/api/v1/reports/{report_id}").json()
    assert api["state"] == "published" and api["checkpoint_seq"]
    manifest = api_client(auditor).get(f"/api/v1/reports/{report_id}/manifest").json()
    assert manifest["report"]["year"] == YEAR
    assert verify_report_dir(tmp_path / "reports" / f"{YEAR}-{report_id}").ok
    assert client.post("/reports/build", {"year": "1999"}).status_code == 302
