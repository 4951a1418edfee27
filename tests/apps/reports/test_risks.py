"""The human-rights risk register: salience by core.risk, the heat map, links from cases, decisions and
findings."""

from __future__ import annotations

import json

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.reports.models import SalientRisk
from conduct.core.risk import salience

pytestmark = pytest.mark.django_db

RISK = {
    "code": "facial-recognition-export",
    "title": "Face recognition sold into places that persecute minorities",
    "dimension": "product",
    "rights": ["privacy", "non_discrimination", "liberty_security"],
    "people_affected": "Members of persecuted minorities",
    "org_unit": "hq",
    "scope_units": ["bu-analytics"],
    "scale": 5,
    "scope": 4,
    "irremediability": 5,
    "likelihood": 2,
    "residual_likelihood": 1,
    "controls": ["gate-sales-end-use"],
    "scope_products": ["Face recognition module"],
}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_risk_is_rated_by_ungp_salience_and_ledgered(api_client, officer):
    response = post(api_client(officer), "/api/v1/risks", RISK)
    assert response.status_code == 201, response.content
    body = response.json()
    expected = salience(scale=5, scope=4, irremediability=5, likelihood=2)
    residual = salience(scale=5, scope=4, irremediability=5, likelihood=1)
    assert (body["severity"], body["score"], body["band"]) == (
        expected.severity,
        expected.score,
        expected.band,
    )
    assert (body["residual_score"], body["residual_band"]) == (residual.score, residual.band)
    assert body["explanation"] == list(expected.explanation)
    assert body["controls"] == ["gate-sales-end-use"] and body["scope_units"] == ["bu-analytics"]
    entry = LedgerEntry.objects.filter(action="risk.create", summary__code=RISK["code"]).get()
    assert entry.summary["score"] == expected.score


def test_a_risk_appears_in_the_heat_map(api_client, officer):
    post(api_client(officer), "/api/v1/risks", RISK)
    risk = SalientRisk.objects.get(code=RISK["code"])
    grid = api_client(officer).get("/api/v1/risks/heatmap").json()
    cell = grid[5 - risk.severity][risk.likelihood - 1]
    assert (cell["severity"], cell["likelihood"]) == (risk.severity, risk.likelihood)
    assert RISK["code"] in cell["risks"]
    residual = api_client(officer).get("/api/v1/risks/heatmap?residual=true").json()
    assert RISK["code"] in residual[5 - risk.severity][0]["risks"]
    page = api_client(officer).get("/risks/").content.decode()
    assert "<svg" in page and "<title" in page and RISK["code"] in page and "<caption>" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scale": 6}, "scale"),
        ({"rights": ["happiness"]}, "rights"),
        ({"rights": []}, "rights"),
        ({"residual_likelihood": 5}, "residual_likelihood"),
        ({"controls": ["no-such-control"]}, "controls"),
        ({"dimension": "weather"}, "dimension"),
        ({"org_unit": "nowhere"}, "org_unit"),
    ],
)
def test_a_bad_risk_gets_a_field_error_and_changes_nothing(api_client, officer, change, field):
    before = (SalientRisk.objects.count(), LedgerEntry.objects.count())
    response = post(api_client(officer), "/api/v1/risks", {**RISK, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert (SalientRisk.objects.count(), LedgerEntry.objects.count()) == before


def test_cases_decisions_and_findings_link_to_the_risks_they_concern(api_client, officer, liaison_uk):
    from conduct.apps.gates.services import gate_decide
    from conduct.apps.governance.models import Case
    from conduct.apps.suppliers.models import Finding
    from conduct.datafiles import data_path

    client = api_client(officer)
    subject = json.loads(data_path("examples", "subjects", "sales_deal.json").read_text())
    decision = gate_decide(actor=officer, gate="sales_deal", subject=subject).decision
    case = Case.objects.first()
    finding = Finding.objects.first()
    url = "/api/v1/risks/misuse-mass-surveillance/links"
    for kind, target in (("gate_decision", decision.pk), ("case", case.pk), ("finding", finding.pk)):
        response = post(client, url, {"kind": kind, "id": target, "note": "concerns it"})
        assert response.status_code == 201, response.content
    again = post(client, url, {"kind": "case", "id": case.pk})
    assert again.status_code == 409
    detail = client.get("/api/v1/risks/misuse-mass-surveillance").json()
    assert {(link["kind"], link["target"]) for link in detail["links"]} >= {
        ("gate_decision", decision.pk),
        ("case", case.pk),
        ("finding", finding.pk),
    }
    # the UK liaison cannot link a record it cannot see
    hidden = post(
        api_client(liaison_uk),
        "/api/v1/risks/misuse-mass-surveillance/links",
        {"kind": "finding", "id": finding.pk},
    )
    assert hidden.status_code in (404, 422)
    from conduct.apps.reports.selectors import risks_for

    assert [r.code for r in risks_for(actor=officer, kind="gate_decision", target_id=decision.pk)] == [
        "misuse-mass-surveillance"
    ]


def test_risks_are_scoped_to_the_units_they_concern(api_client, liaison_uk, liaison_de, officer):
    codes_uk = {r["code"] for r in api_client(liaison_uk).get("/api/v1/risks").json()["items"]}
    assert "overtime-own-factories" not in codes_uk  # a Shenzhen risk
    assert api_client(liaison_uk).get("/api/v1/risks/overtime-own-factories").status_code == 404
    assert post(api_client(liaison_de), "/api/v1/risks", RISK).status_code == 403
    officer_codes = {r["code"] for r in api_client(officer).get("/api/v1/risks?limit=500").json()["items"]}
    assert {"misuse-mass-surveillance", "overtime-own-factories"} <= officer_codes


def test_the_register_pages_create_and_edit_a_risk(api_client, officer):
    from conduct.apps.accounts.models import OrgUnit

    client = api_client(officer)
    form = {
        "code": "page-risk",
        "org_unit": OrgUnit.objects.get(code="hq-hr").pk,
        "title": "Discrimination in hiring",
        "dimension": "labour",
        "rights": ["non_discrimination"],
        "people_affected": "Job applicants",
        "scale": "3",
        "scope": "2",
        "irremediability": "2",
        "likelihood": "2",
        "residual_likelihood": "1",
    }
    response = client.post("/risks/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    bad = client.post("/risks/page-risk/", {**form, "scale": "9"})
    assert bad.status_code == 422 and "scale" in bad.content.decode()
    client.post("/risks/page-risk/", {**form, "likelihood": "4"})
    assert SalientRisk.objects.get(code="page-risk").likelihood == 4


def test_a_risk_page_links_only_the_records_the_viewer_may_open(api_client, officer, liaison_uk):
    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.gates.services import gate_decide
    from tests.apps.governance.conftest import TEC_DEAL

    code = api_client(liaison_uk).get("/api/v1/risks").json()["items"][0]["code"]
    german = gate_decide(
        actor=officer, gate="sales_deal", subject=dict(TEC_DEAL), org_unit=OrgUnit.objects.get(code="br-de")
    ).decision
    case = german.cases.order_by("pk").first()
    for kind, target in (("gate_decision", german.pk), ("case", case.pk)):
        response = post(api_client(officer), f"/api/v1/risks/{code}/links", {"kind": kind, "id": target})
        assert response.status_code == 201, response.content
    links = (f'href="/gates/decisions/{german.pk}/"', f'href="/governance/cases/{case.pk}/"')
    officer_page = api_client(officer).get(f"/risks/{code}/").content.decode()
    assert all(link in officer_page for link in links)
    liaison_page = api_client(liaison_uk).get(f"/risks/{code}/").content.decode()
    assert not any(link in liaison_page for link in links)  # a German branch's records: 404 for the UK
    assert f"Decision {german.pk}" in liaison_page and f"Case {case.pk}" in liaison_page
