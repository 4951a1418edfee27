"""Triage of vulnerability reports: the legal moves only (each ledgered, with its note), the triage findings,
who may triage and read, the deadlines from the settings, and escalation once per slipped deadline."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Forbidden, Invalid
from conduct.apps.notifications.models import Notification
from conduct.apps.products import selectors_disclosure as selectors
from conduct.apps.products.models import Product, VulnerabilityReport
from conduct.apps.products.services._disclosure import deadlines, overdue_deadlines
from conduct.apps.products.services.disclosure_triage import (
    Triage,
    vulnreport_note,
    vulnreport_transition,
    vulnreports_escalate_overdue,
)
from conduct.apps.products.tasks import escalate_vulnerability_reports
from tests.factories.accounts import LiaisonFactory
from tests.factories.products import (
    BusinessUnitFactory,
    ProductFactory,
    ReleaseFactory,
    VulnerabilityReportFactory,
)

pytestmark = pytest.mark.django_db


def test_a_report_moves_through_the_workflow_and_every_move_is_ledgered(cast):
    prodsec = cast("prodsec")
    release = ReleaseFactory(product=Product.objects.get(model="NV-DOME-4K"), version="1.2.3")
    report = VulnerabilityReportFactory()
    before = LedgerEntry.objects.count()
    vulnreport_transition(actor=prodsec, report=report, to="acknowledged", note="Thanks")
    triage = Triage(
        verdict="valid", product=release.product.model, version="1.2.3", cve="cve-2026-1234", cvss=8.1
    )
    vulnreport_transition(actor=prodsec, report=report, to="triaged", triage=triage)
    vulnreport_transition(actor=prodsec, report=report, to="fixed", note="Fixed in 1.2.4")
    vulnreport_transition(actor=prodsec, report=report, to="advisory_published", note="NV-SA-2026-01")
    vulnreport_transition(actor=prodsec, report=report, to="closed", note="Done")
    report.refresh_from_db()
    assert report.state == "closed" and report.verdict == "valid"
    assert (report.release, report.cve, report.cvss) == (release, "CVE-2026-1234", 8.1)
    assert report.acknowledged_at and report.resolved_at and report.closed_at
    entries = LedgerEntry.objects.filter(seq__gt=before, action="vulnreport.transition").order_by("seq")
    assert [(e.summary["from"], e.summary["to"]) for e in entries] == [
        ("received", "acknowledged"),
        ("acknowledged", "triaged"),
        ("triaged", "fixed"),
        ("fixed", "advisory_published"),
        ("advisory_published", "closed"),
    ]
    assert [n.to_state for n in report.notes.order_by("at", "id")][-1] == "closed"


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "fixed"),
        ([], "triaged"),
        (["acknowledged"], "closed"),
        (["acknowledged", "triaged:invalid"], "fixed"),
        (["acknowledged", "triaged:duplicate"], "advisory_published"),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(cast, path, to):
    prodsec = cast("prodsec")
    report = VulnerabilityReportFactory()
    other = VulnerabilityReportFactory()
    for step in path:
        state, _, verdict = step.partition(":")
        triage = Triage(verdict=verdict, duplicate_of=other.reference if verdict == "duplicate" else "")
        vulnreport_transition(actor=prodsec, report=report, to=state, triage=triage, note="x")
    report.refresh_from_db()
    state, before = report.state, LedgerEntry.objects.count()
    with pytest.raises(Invalid) as refused:
        vulnreport_transition(actor=prodsec, report=report, to=to, note="x")
    assert "to" in refused.value.fields
    report.refresh_from_db()
    assert report.state == state and LedgerEntry.objects.count() == before


def test_triage_needs_a_verdict_a_real_duplicate_and_a_real_product(cast):
    prodsec = cast("prodsec")
    report = VulnerabilityReportFactory(state="acknowledged")
    cases = [
        (Triage(), "verdict"),
        (Triage(verdict="duplicate", duplicate_of="VR-2026-NOPE"), "duplicate_of"),
        (Triage(verdict="duplicate", duplicate_of=report.reference), "duplicate_of"),
        (Triage(verdict="valid", product="NO-SUCH-MODEL"), "product"),
        (Triage(verdict="valid", cve="CVE-26"), "cve"),
        (Triage(verdict="valid", cvss=11.0), "cvss"),
    ]
    for triage, field in cases:
        with pytest.raises(Invalid) as refused:
            vulnreport_transition(actor=prodsec, report=report, to="triaged", triage=triage)
        assert field in refused.value.fields
    with pytest.raises(Invalid) as refused:
        vulnreport_transition(actor=prodsec, report=report, to="triaged", triage=Triage(verdict="valid"))
        vulnreport_transition(actor=prodsec, report=report, to="closed")
    assert "note" in refused.value.fields  # closing says why


def test_only_the_triage_team_triages_and_auditors_only_read(cast, api_client):
    report = VulnerabilityReportFactory()
    for name in ("analyst", "auditor", "liaison_uk"):
        with pytest.raises(Forbidden):
            vulnreport_transition(actor=cast(name), report=report, to="acknowledged")
    assert api_client(cast("analyst")).get("/api/v1/vulnerability-reports").status_code == 403
    auditor = api_client(cast("auditor"))
    assert auditor.get(f"/api/v1/vulnerability-reports/{report.pk}").status_code == 200
    move = auditor.post(
        f"/api/v1/vulnerability-reports/{report.pk}/transition",
        {"to": "acknowledged"},
        content_type="application/json",
    )
    assert move.status_code == 403
    officer = api_client(cast("officer"))
    move = officer.post(
        f"/api/v1/vulnerability-reports/{report.pk}/transition",
        {"to": "acknowledged", "note": "On it"},
        content_type="application/json",
    )
    assert move.status_code == 200 and move.json()["state"] == "acknowledged"
    assert move.json()["notes"][0]["body"] == "On it"
    illegal = officer.post(
        f"/api/v1/vulnerability-reports/{report.pk}/transition",
        {"to": "closed"},
        content_type="application/json",
    )
    assert illegal.status_code == 422 and "to" in illegal.json()["error"]["fields"]


def test_deadlines_come_from_the_settings_and_a_status_update_moves_the_next_one(settings, cast):
    settings.VULN_REPORT_ACK_DAYS, settings.VULN_REPORT_UPDATE_DAYS, settings.VULN_REPORT_FIX_DAYS = 3, 14, 60
    moment = timezone.now()
    ack, update, resolve = deadlines(moment)
    assert (ack - moment, update - moment, resolve - moment) == (timedelta(3), timedelta(14), timedelta(60))
    report = VulnerabilityReportFactory(received_at=moment - timedelta(days=20))
    assert overdue_deadlines(report, moment) == ["acknowledge", "update"]
    vulnreport_note(actor=cast("prodsec"), report=report, body="Internal only")
    report.refresh_from_db()
    assert report.update_by == update - timedelta(days=20)  # an internal note is no status update
    vulnreport_transition(actor=cast("prodsec"), report=report, to="acknowledged")
    report.refresh_from_db()
    assert overdue_deadlines(report, timezone.now()) == []
    assert report.update_by > timezone.now() + timedelta(days=13)


def test_the_list_filters_by_state_and_overdue(cast):
    admin = cast("admin")
    late = VulnerabilityReportFactory(received_at=timezone.now() - timedelta(days=10))
    fresh = VulnerabilityReportFactory()
    overdue = set(selectors.vulnreport_list(actor=admin, overdue=True))
    assert late in overdue and fresh not in overdue
    assert fresh in set(selectors.vulnreport_list(actor=admin, state="received"))
    assert fresh not in set(selectors.vulnreport_list(actor=admin, state="acknowledged"))
    page = Client()
    page.force_login(admin)
    html = page.get("/products/vulnerability-reports/?overdue=1").content.decode()
    assert late.reference in html and fresh.reference not in html


def test_each_slipped_deadline_is_escalated_once_to_the_team_and_the_products_liaisons(cast):
    unit = BusinessUnitFactory()
    liaison = LiaisonFactory(org_unit=unit).user
    product = ProductFactory(business_unit=unit)
    report = VulnerabilityReportFactory(product=product, received_at=timezone.now() - timedelta(days=6))
    made = vulnreports_escalate_overdue(actor=SCHEDULER)
    assert (report.reference, "acknowledge") in made
    for user in (liaison, cast("prodsec"), cast("officer")):
        assert (
            Notification.objects.filter(user=user, kind="overdue", text__contains=report.reference).count()
            == 1
        )
    assert all(ref != report.reference for ref, _ in vulnreports_escalate_overdue(actor=SCHEDULER))
    assert escalate_vulnerability_reports.call() >= 0
    assert Notification.objects.filter(user=liaison, text__contains=report.reference).count() == 1
    assert LedgerEntry.objects.filter(action="vulnreport.overdue", object_id=str(report.pk)).count() == 1
    # acknowledged late; then the reporter waits past the update deadline: escalated once more, once
    vulnreport_transition(actor=cast("prodsec"), report=report, to="acknowledged")
    VulnerabilityReport.objects.filter(pk=report.pk).update(update_by=timezone.now() - timedelta(hours=1))
    assert vulnreports_escalate_overdue(actor=SCHEDULER).count((report.reference, "update")) == 1
    assert vulnreports_escalate_overdue(actor=SCHEDULER).count((report.reference, "update")) == 0
    assert Notification.objects.filter(user=liaison, text__contains=report.reference).count() == 2


def test_conduct_vulns_escalate_runs_it_synchronously():
    report = VulnerabilityReportFactory(received_at=timezone.now() - timedelta(days=7))
    out = StringIO()
    call_command("vulns_escalate", stdout=out)
    assert f"{report.reference}\tacknowledge" in out.getvalue()
    out = StringIO()
    call_command("vulns_escalate", "--json", stdout=out)
    assert report.reference not in out.getvalue()


def test_the_demo_has_a_received_and_an_overdue_acknowledged_report(admin):
    rows = selectors.with_overdue(VulnerabilityReport.objects.filter(details__contains="(demo report)"))
    states = sorted((r.state, tuple(r.overdue)) for r in rows)
    assert states == [("acknowledged", ("update",)), ("received", ())]
