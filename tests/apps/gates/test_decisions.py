"""Gate decisions through the API, the service and the CLI: recorded, explained, idempotent, ledgered."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import call_command

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.gates.models import GateDecision
from conduct.apps.governance.models import Case

pytestmark = pytest.mark.django_db

CLEAN_RELEASE = {
    "product": {"name": "Bullet 4MP", "model": "NV-B4", "type": "ip_camera"},
    "firmware": {"version": "5.8.1"},
    "capabilities": ["motion_detection"],
    "security": {
        "unique_default_passwords": True,
        "support_period_end": "2031-12-31",
        "vulnerability_disclosure_policy": True,
        "insecure_services_enabled": [],
        "open_vulnerabilities": [],
        "signed_firmware": True,
    },
    "as_of": "2026-11-28",
}


def release(**security):
    subject = copy.deepcopy(CLEAN_RELEASE)
    subject["security"].update(security)
    return subject


def post(client, headers, gate, subject, **extra):
    return client.post(
        f"/api/v1/gates/{gate}/decisions",
        data=json.dumps(subject),
        content_type="application/json",
        **headers,
        **extra,
    )


def test_a_clean_release_is_allowed_and_recorded_with_a_ledger_entry(api_client, officer, bearer):
    before = LedgerEntry.objects.count()
    response = post(api_client(), bearer(officer), "product_release", CLEAN_RELEASE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "allow"
    assert body["reasons"] == []
    assert body["policy_version"].startswith("sha256:")
    decision = GateDecision.objects.get(pk=body["id"])
    assert decision.subject == CLEAN_RELEASE
    assert LedgerEntry.objects.filter(action="gate.decide", object_id=str(decision.pk)).exists()
    assert LedgerEntry.objects.count() > before


def test_a_universal_default_password_is_denied_with_the_rule_and_its_citations(api_client, officer, bearer):
    body = post(
        api_client(), bearer(officer), "product_release", release(unique_default_passwords=False)
    ).json()
    assert body["outcome"] == "deny"
    rules = {r["rule"]: r for r in body["reasons"]}
    assert any(r["outcome"] == "deny" and r["cites"] for r in rules.values())
    assert all(c.startswith("urn:conduct:") for r in rules.values() for c in r["cites"])


def test_a_review_opens_a_case_and_a_later_decision_links_to_the_earlier(api_client, officer, bearer):
    headers = bearer(officer)
    first = post(api_client(), headers, "product_release", release(signed_firmware=False)).json()
    assert first["outcome"] == "review"
    assert first["cases"], "a review decision opens a case"
    case = Case.objects.get(pk=first["cases"][0])
    assert case.source == "gate_decision" and case.status == "open"
    second = post(api_client(), headers, "product_release", CLEAN_RELEASE).json()
    assert second["previous_id"] == first["id"]


def test_the_same_idempotency_key_returns_the_first_decision(api_client, officer, bearer):
    headers = bearer(officer)
    a = post(api_client(), headers, "product_release", CLEAN_RELEASE, HTTP_IDEMPOTENCY_KEY="erp-42")
    b = post(api_client(), headers, "product_release", CLEAN_RELEASE, HTTP_IDEMPOTENCY_KEY="erp-42")
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json()["id"] == b.json()["id"]
    assert GateDecision.objects.filter(idempotency_key="erp-42").count() == 1
    c = post(
        api_client(),
        headers,
        "product_release",
        release(signed_firmware=False),
        HTTP_IDEMPOTENCY_KEY="erp-42",
    )
    assert c.status_code == 409
    assert c.json()["error"]["code"] == "conflict"


def test_a_malformed_subject_gets_field_errors_and_records_nothing(api_client, officer, bearer):
    headers = bearer(officer)
    before = (GateDecision.objects.count(), LedgerEntry.objects.count())
    bad = release()
    bad["security"]["open_vulnerabilities"] = [{"id": "CVE-1", "cvss": "high"}]
    del bad["firmware"]
    response = post(api_client(), headers, "product_release", bad)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert any("cvss" in f for f in fields), fields
    assert any("firmware" in f for f in fields), fields
    assert (GateDecision.objects.count(), LedgerEntry.objects.count()) == before


def test_an_unknown_gate_is_a_422_not_a_500(api_client, officer, bearer):
    response = post(api_client(), bearer(officer), "coffee_order", {})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_the_auditor_reads_decisions_but_cannot_decide(api_client, officer, auditor, bearer):
    made = post(api_client(), bearer(officer), "product_release", CLEAN_RELEASE).json()
    assert post(api_client(), bearer(auditor), "product_release", CLEAN_RELEASE).status_code == 403
    got = api_client(auditor).get(f"/api/v1/gates/decisions/{made['id']}")
    assert got.status_code == 200
    assert got.json()["subject"] == CLEAN_RELEASE


def test_a_decision_outside_your_units_is_not_found(api_client, officer, liaison_uk, bearer):
    from conduct.apps.accounts.models import OrgUnit

    de = OrgUnit.objects.get(code="br-de")
    made = (
        api_client(officer)
        .post(
            "/api/v1/gates/product_release/decisions?org_unit=br-de",
            data=json.dumps(CLEAN_RELEASE),
            content_type="application/json",
        )
        .json()
    )
    assert made["org_unit"] == de.code
    assert api_client(liaison_uk).get(f"/api/v1/gates/decisions/{made['id']}").status_code == 404
    listed = api_client(liaison_uk).get("/api/v1/gates/decisions").json()
    assert made["id"] not in [d["id"] for d in listed["items"]]


def test_the_decision_page_explains_why(api_client, officer, bearer):
    made = post(
        api_client(), bearer(officer), "product_release", release(insecure_services_enabled=["telnet"])
    ).json()
    page = api_client(officer).get(f"/gates/decisions/{made['id']}/")
    assert page.status_code == 200
    html = page.content.decode()
    for reason in made["reasons"]:
        assert reason["rule"] in html
        for urn in reason["cites"]:
            assert urn in html
    assert "telnet" in html


def test_try_a_subject_evaluates_without_recording(api_client, officer):
    before = GateDecision.objects.count()
    response = api_client(officer).post(
        "/gates/try/",
        {
            "gate": "product_release",
            "subject": json.dumps(release(signed_firmware=False)),
            "action": "evaluate",
        },
    )
    assert response.status_code == 200
    assert "REVIEW" in response.content.decode()
    assert GateDecision.objects.count() == before
    bad = api_client(officer).post(
        "/gates/try/", {"gate": "product_release", "subject": "{nope", "action": "evaluate"}
    )
    assert bad.status_code == 422
    assert "not JSON" in bad.content.decode()


@pytest.mark.parametrize(
    ("subject", "code"),
    [(CLEAN_RELEASE, 0), (release(unique_default_passwords=False), 1), (release(signed_firmware=False), 3)],
    ids=["allow", "deny", "review"],
)
def test_gate_check_exits_by_outcome(tmp_path, capsys, subject, code):
    path = tmp_path / "subject.json"
    path.write_text(json.dumps(subject))
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate_check", "product_release", str(path), "--json")
    assert exit_info.value.code == code
    out = json.loads(capsys.readouterr().out)
    assert {"outcome", "reasons", "conditions", "referrals", "policy_version"} <= set(out)
    assert all({"rule", "outcome", "message", "cites"} <= set(r) for r in out["reasons"])


def test_gate_check_exits_2_on_invalid_input_and_dry_run_records_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate_check", "product_release", str(bad))
    assert exit_info.value.code == 2
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"product": {}}))
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate_check", "product_release", str(wrong))
    assert exit_info.value.code == 2
    good = tmp_path / "good.json"
    good.write_text(json.dumps(CLEAN_RELEASE))
    before = GateDecision.objects.count()
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate_check", "product_release", str(good), "--dry-run")
    assert exit_info.value.code == 0
    assert GateDecision.objects.count() == before
    assert "dry run" in capsys.readouterr().out


def test_policy_validate_and_test_pass_on_the_default_pack(capsys):
    from conduct.apps.gates.pack import pack_dir

    call_command("policy_validate", str(pack_dir()))
    with pytest.raises(SystemExit) as exit_info:
        call_command("policy_test", str(pack_dir()))
        raise SystemExit(0)
    assert exit_info.value.code == 0
    assert " 0 failed" in capsys.readouterr().out


def test_policy_validate_rejects_an_unknown_urn(tmp_path, capsys):
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        "  - id: test.unknown_urn\n"
        "    title: cites nothing real\n"
        "    gates: [product_release]\n"
        "    when: 'true'\n"
        "    outcome: review\n"
        "    severity: low\n"
        "    message: always\n"
        "    cites: [urn:conduct:sa8000:NOT-A-REQUIREMENT]\n"
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("policy_validate", str(tmp_path))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "urn:conduct:sa8000:NOT-A-REQUIREMENT" in err and "rules.yaml:" in err


def test_a_deal_referred_to_two_bodies_opens_both_cases_with_one_unbroken_run_of_ledger_entries(
    api_client, officer, bearer
):
    from conduct.apps.audit.services import ledger_verify
    from conduct.apps.notifications.models import Notification
    from conduct.datafiles import data_path

    subject = json.loads(data_path("examples", "subjects", "sales_deal.json").read_text())
    headers = bearer(officer)  # creating the token is ledgered too
    before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    body = post(api_client(), headers, "sales_deal", subject).json()
    assert body["outcome"] == "review" and len(body["referrals"]) == 2
    cases = list(Case.objects.filter(gate_decision_id=body["id"]).order_by("pk"))
    assert len(cases) == 2 and len({c.queue for c in cases}) == 2  # one case per body referred to
    entries = list(LedgerEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in entries] == ["gate.decide", "case.open", "case.open"]
    assert [e.seq for e in entries] == list(range(before + 1, before + 4))
    assert entries[0].object_id == str(body["id"])
    assert [e.object_id for e in entries[1:]] == [str(c.pk) for c in cases]
    assert ledger_verify().ok
    for case in cases:  # whoever must act on each case is told
        assert Notification.objects.filter(text__startswith=f"Case {case.pk} ").exists()


def test_a_pack_version_registered_by_a_concurrent_first_decision_does_not_fail_this_one(
    officer, monkeypatch
):
    from conduct.apps.gates import services
    from conduct.apps.gates.models import PolicyPackVersion

    first = services.gate_decide(actor=officer, gate="product_release", subject=CLEAN_RELEASE).decision
    assert PolicyPackVersion.objects.filter(version=first.policy_version).count() == 1
    # as if another request registered the version between this one's read and its write
    reads = services._turn_reads
    monkeypatch.setattr(services, "_turn_reads", lambda *args: (reads(*args)[0], False))
    again = services.gate_decide(actor=officer, gate="product_release", subject=CLEAN_RELEASE)
    assert again.created and again.decision.pk != first.pk and again.decision.previous_id == first.pk
    assert PolicyPackVersion.objects.filter(version=first.policy_version).count() == 1
    assert (
        LedgerEntry.objects.filter(action="policy.version_seen", object_id=first.policy_version).count() == 1
    )


def test_a_failed_write_without_an_idempotency_key_is_an_error_not_someone_else_s_decision(
    officer, monkeypatch
):
    from django.db import IntegrityError

    from conduct.apps.gates import services

    services.gate_decide(actor=officer, gate="product_release", subject=CLEAN_RELEASE)

    def failing(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "_record", failing)
    with pytest.raises(IntegrityError):
        services.gate_decide(actor=officer, gate="product_release", subject=release(signed_firmware=False))


def test_the_recorded_decision_is_exactly_what_reading_it_back_gives(api_client, officer, bearer):
    """Decisions are inserted with plain SQL (in the one writer's turn); the row must be the ORM's row."""
    from conduct.apps.gates import services

    first = services.gate_decide(actor=officer, gate="product_release", subject=CLEAN_RELEASE).decision
    made = services.gate_decide(
        actor=officer, gate="product_release", subject=release(signed_firmware=False), idempotency_key="k-1"
    ).decision
    stored = GateDecision.objects.get(pk=made.pk)
    for field in GateDecision._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(stored, field.attname), field.name
    assert stored.previous_id == first.pk and stored.created_at > first.created_at
    assert stored.actor_id == officer.pk and stored.org_unit_id == officer.home_unit_id
    assert stored.result["reasons"][0]["rule"] and stored.idempotency_key == "k-1"
    # the API's answer to the decision it just recorded is what reading it back answers
    client, headers = api_client(), bearer(officer)
    created = post(client, headers, "product_release", release(signed_firmware=False))
    assert created.status_code == 201
    read = client.get(f"/api/v1/gates/decisions/{created.json()['id']}", **headers)
    assert read.status_code == 200 and read.json() == created.json()


def test_a_concurrent_request_with_the_same_key_gets_the_first_decision_from_the_real_constraint(
    officer, monkeypatch
):
    """As if two requests with one Idempotency-Key both passed the early lookup: the second's INSERT breaks
    the unique constraint, and it answers with the first decision, adding nothing to the ledger."""
    from conduct.apps.gates import services

    first = services.gate_decide(
        actor=officer, gate="product_release", subject=CLEAN_RELEASE, idempotency_key="race"
    )
    assert first.created
    lookups = []
    real = services._earlier

    def late(label, key):  # the early lookup runs before the first request committed; the later one after
        lookups.append(key)
        return None if len(lookups) == 1 else real(label, key)

    monkeypatch.setattr(services, "_earlier", late)
    entries = LedgerEntry.objects.count()
    again = services.gate_decide(
        actor=officer, gate="product_release", subject=CLEAN_RELEASE, idempotency_key="race"
    )
    assert lookups == ["race", "race"]
    assert not again.created and again.decision.pk == first.decision.pk
    assert LedgerEntry.objects.count() == entries
    assert GateDecision.objects.filter(idempotency_key="race").count() == 1
