"""Re-checking earlier decisions after a reference-data change, and the sales-deal gate's exporter and new
party roles through the service, the API and the CLI."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.gates import pack as gate_pack
from conduct.apps.gates.models import GateDecision, Outcome, RecheckFinding
from conduct.apps.gates.services import gate_decide
from conduct.apps.gates.services.recheck import gate_recheck
from conduct.apps.gates.tasks import recheck_decisions
from conduct.apps.governance.models import Case
from conduct.apps.governance.services import case_decide
from conduct.core.policy import _reference
from tests.factories.accounts import OrgUnitFactory
from tests.factories.gates import GateDecisionFactory
from tests.factories.governance import CaseFactory

pytestmark = pytest.mark.django_db

UAE_RETAIL = {
    "reference": "RC-1",
    "as_of": "2026-12-06",
    "exporter_country": "GB",
    "parties": [{"role": "customer", "name": "Marina Mall LLC", "country": "AE", "sector": "retail"}],
    "items": [{"sku": "CAM-2MP", "capabilities": ["motion_detection"], "quantity": 10}],
}
NEW_PROGRAMME = """
  - id: test-uk-uae
    title: Test UK embargo on the United Arab Emirates
    authority: Test authority
    regime: UK
    legal_sources: [{citation: Test Regulations 2026, url: "https://example.org/test"}]
    in_force_since: 2026-12-01
    status: in_force
    status_changed: 2026-12-01
    reviewed: 2026-12-06
    countries: [AE]
    covers: {all_goods: true}
"""


@pytest.fixture
def changed_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The reference data with a new programme (a UK embargo on the UAE), as if data/ had been updated."""

    def change() -> None:
        for folder in ("countries", "catalog", "sanctions"):
            shutil.copytree(_reference.DEFAULT_DATA_DIR / folder, tmp_path / folder)
        programmes = tmp_path / "sanctions" / "programmes.yaml"
        programmes.write_text(programmes.read_text(encoding="utf-8") + NEW_PROGRAMME, encoding="utf-8")
        monkeypatch.setattr(_reference, "DEFAULT_DATA_DIR", tmp_path)
        gate_pack.reload_pack()

    yield change
    monkeypatch.undo()
    gate_pack.reload_pack()


def test_a_reference_data_change_finds_the_earlier_allowed_decision_and_opens_a_case(changed_reference):
    allowed = gate_decide(actor=CLI, gate="sales_deal", subject=UAE_RETAIL).decision
    assert allowed.outcome == Outcome.ALLOW
    assert gate_recheck(actor=CLI).findings == []  # nothing changed yet
    changed_reference()
    summary = gate_recheck(actor=CLI)
    [finding] = summary.findings
    assert finding.decision_id == allowed.pk and (finding.was_outcome, finding.new_outcome) == (
        "allow",
        "deny",
    )
    [reason] = finding.reasons
    assert "Test UK embargo on the United Arab Emirates" in reason["message"]
    assert "exporter GB (subject)" in reason["message"]  # the jurisdiction that made it
    [case] = Case.objects.filter(gate_decision=allowed)
    assert finding.case_ids == [case.pk] and case.status == Case.Status.OPEN
    assert LedgerEntry.objects.filter(action="gate.recheck_finding", object_id=str(allowed.pk)).exists()
    assert LedgerEntry.objects.filter(action="gate.recheck").exists()
    # the decision itself is never edited
    assert GateDecision.objects.get(pk=allowed.pk).outcome == Outcome.ALLOW
    # found once per data version: a second run, or the daily job, adds nothing
    assert gate_recheck(actor=CLI).findings == []
    assert recheck_decisions.call()["skipped"] is True
    assert RecheckFinding.objects.count() == 1


def test_an_approved_decision_that_would_now_be_denied_has_its_case_reopened():
    subject = {**UAE_RETAIL, "reference": "RC-2", "exporter_country": "DE"}
    subject["parties"] = [
        {"role": "customer", "name": "Moskva Retail OOO", "country": "RU", "sector": "retail"}
    ]
    approved = GateDecisionFactory(
        subject=subject, reference="RC-2", outcome=Outcome.REVIEW, resolution_outcome=Outcome.ALLOW
    )
    case = CaseFactory(gate_decision=approved, status=Case.Status.DECIDED)
    later_review = GateDecisionFactory(subject=subject, outcome=Outcome.REVIEW)  # not allowed: not re-checked
    summary = gate_recheck(actor=CLI)
    assert [f.decision_id for f in summary.findings] == [approved.pk]
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.round == 2
    assert LedgerEntry.objects.filter(action="case.reopen", object_id=str(case.pk)).exists()
    assert not RecheckFinding.objects.filter(decision=later_review).exists()


def test_only_the_latest_decision_on_a_subject_is_rechecked():
    subject = {**UAE_RETAIL, "reference": "RC-3", "exporter_country": "DE"}
    subject["parties"] = [{"role": "customer", "name": "Minsk Retail", "country": "BY", "sector": "retail"}]
    older = GateDecisionFactory(subject=subject, reference="RC-3", outcome=Outcome.ALLOW)
    GateDecisionFactory(subject=subject, reference="RC-3", outcome=Outcome.DENY, previous=older)
    assert gate_recheck(actor=CLI).findings == []


def test_recheck_cli_runs_without_a_worker_and_lists_what_it_found(capsys, changed_reference):
    allowed = gate_decide(actor=CLI, gate="sales_deal", subject={**UAE_RETAIL, "reference": "RC-4"}).decision
    changed_reference()
    call_command("gate_recheck", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert [f["decision"] for f in summary["found"]] == [allowed.pk]
    assert summary["found"][0]["rules"] == ["sales.sanctions.programme_binds_and_covers"]
    call_command("gate_recheck", "--if-changed")
    assert "re-checked already" in capsys.readouterr().out


def test_findings_and_programmes_are_listed_for_officers(api_client, officer, changed_reference):
    unit = officer.home_unit  # a decision the officer's scope covers
    gate_decide(actor=CLI, gate="sales_deal", subject={**UAE_RETAIL, "reference": "RC-5"}, org_unit=unit)
    changed_reference()
    gate_recheck(actor=CLI)
    client = api_client(officer)
    items = client.get("/api/v1/gates/rechecks").json()["items"]
    assert [(i["reference"], i["was_outcome"], i["new_outcome"]) for i in items] == [
        ("RC-5", "allow", "deny")
    ]
    page = client.get("/gates/rechecks/")
    assert page.status_code == 200 and b"RC-5" in page.content
    programmes = client.get("/api/v1/policy/sanctions").json()
    assert {"test-uk-uae", "un-dprk"} <= {p["id"] for p in programmes["programmes"]}
    assert all(p["reviewed"] and p["sources"] for p in programmes["programmes"])
    page = client.get("/gates/sanctions/")
    assert page.status_code == 200 and b"Reviewed" in page.content and b"2026-12-06" in page.content


def test_a_deal_recorded_for_the_uk_branch_is_a_uk_export(officer):
    branch = OrgUnitFactory(country="GB", parent=officer.home_unit)
    crimea = {**UAE_RETAIL, "reference": "RC-6"}
    del crimea["exporter_country"]
    crimea["parties"] = [{"role": "customer", "name": "Yalta Hotel", "country": "UA", "region": "Крым",
                          "sector": "commercial"}]  # fmt: skip
    decision = gate_decide(actor=CLI, gate="sales_deal", subject=crimea, org_unit=branch).decision
    assert decision.outcome == Outcome.DENY
    assert decision.result["facts"]["exporter"] == {
        **decision.result["facts"]["exporter"],
        "country": "GB",
        "source": "org_unit",
    }
    china = OrgUnitFactory(country="CN", parent=officer.home_unit)
    crimea["reference"] = "RC-7"
    assert (
        gate_decide(actor=CLI, gate="sales_deal", subject=crimea, org_unit=china).decision.outcome == "review"
    )


def test_the_api_and_the_cli_accept_the_new_party_roles(api_client, officer, tmp_path, capsys):
    subject = {**UAE_RETAIL, "reference": "RC-8"}
    subject["parties"] = [
        {"role": "distributor", "name": "Gulf Trading FZE", "country": "AE", "sector": "commercial"},
        {"role": "reseller", "name": "Desert Resale LLC", "country": "AE", "sector": "commercial"},
        {"role": "freight_forwarder", "name": "Jebel Ali Forwarding", "country": "AE", "sector": "transport"},
        {"role": "financier", "name": "Emirates Trade Finance", "country": "AE", "sector": "commercial"},
    ]
    response = api_client(officer).post(
        "/api/v1/gates/sales_deal/evaluate", data=json.dumps(subject), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    rules = {r["rule"] for r in response.json()["reasons"]}
    assert "sales.diversion.intermediary_transshipment_no_end_user" in rules  # no end user named
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(subject), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("gate_check", "sales_deal", str(path), "--json", "--dry-run")
    assert exited.value.code == 3  # review
    assert json.loads(capsys.readouterr().out)["outcome"] == "review"


def test_the_reopened_case_decides_the_flagged_decision_again(officer):
    subject = {**UAE_RETAIL, "reference": "RC-9", "exporter_country": "DE"}
    subject["parties"] = [
        {"role": "customer", "name": "Moskva Retail OOO", "country": "RU", "sector": "retail"}
    ]
    case = CaseFactory(org_unit=officer.home_unit, status=Case.Status.DECIDED)
    approved = GateDecisionFactory(
        subject=subject,
        reference="RC-9",
        org_unit=officer.home_unit,
        outcome=Outcome.REVIEW,
        resolution_outcome=Outcome.ALLOW,
        resolution_case=case,
        resolved_at=timezone.now() - datetime.timedelta(days=1),
    )
    Case.objects.filter(pk=case.pk).update(gate_decision=approved)
    assert not approved.open_to_resolution
    [finding] = gate_recheck(actor=CLI).findings
    assert finding.case_ids == [case.pk]
    case.refresh_from_db()
    case_decide(actor=officer, case=case, outcome="reject", rationale="EU Russia export ban now applies")
    approved.refresh_from_db()
    assert approved.effective_outcome == Outcome.DENY and approved.resolution_case_id == case.pk
    assert LedgerEntry.objects.filter(action="gate.resolve", object_id=str(approved.pk)).exists()


def test_the_try_form_takes_a_deal_through_a_reseller(api_client, officer):
    subject = {**UAE_RETAIL, "reference": "RC-10"}
    subject["parties"] = [
        {"role": "reseller", "name": "Almaty Trade Link LLP", "country": "KZ", "sector": "commercial"},
        {"role": "end_user", "name": "Moskva Retail OOO", "country": "RU", "sector": "retail"},
    ]
    page = api_client(officer).post("/gates/try/", {"gate": "sales_deal", "subject": json.dumps(subject)})
    assert page.status_code == 200
    assert b"DENY" in page.content and b"sanctioned_end_user_behind_intermediary" in page.content
