"""The dashboard's "my work" queue and its charts (issue 22), built from factory rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conduct.apps.governance.models import Vote
from conduct.apps.web import dashboard
from tests.factories.accounts import OrgUnitFactory, UserFactory
from tests.factories.gates import GateDecisionFactory
from tests.factories.governance import CaseFactory, CommitteeFactory, CommitteeMemberFactory

pytestmark = pytest.mark.django_db


def _work(user) -> dict[str, dashboard.WorkItem]:
    return {item.key: item for item in dashboard.my_work(actor=user)}


def _count(user, key: str) -> int:
    found = _work(user).get(key)
    return found.count if found else 0


def test_an_officer_sees_overdue_cases_first_and_waiting_reviews() -> None:
    unit = OrgUnitFactory()
    officer = UserFactory(role="compliance_officer", scope_units=[unit])
    before = {key: _count(officer, key) for key in ("cases-overdue", "cases-open", "reviews")}
    CaseFactory(org_unit=unit, due_at=timezone.now() - datetime.timedelta(days=2))
    CaseFactory(org_unit=unit)
    GateDecisionFactory(org_unit=unit)
    work = dashboard.my_work(actor=officer)
    keyed = {item.key: item for item in work}
    assert keyed["cases-overdue"].count == before["cases-overdue"] + 1 and keyed["cases-overdue"].urgent
    assert keyed["cases-open"].count == before["cases-open"] + 2
    assert keyed["reviews"].count == before["reviews"] + 1 and keyed["reviews"].url.endswith(
        "?outcome=review"
    )
    assert [item.urgent for item in work] == sorted((item.urgent for item in work), reverse=True)


def test_a_liaison_counts_only_the_cases_of_their_units() -> None:
    unit = OrgUnitFactory()
    liaison = UserFactory(role="liaison", scope_units=[unit])
    CaseFactory(org_unit=unit)
    CaseFactory(org_unit=OrgUnitFactory())
    assert _count(liaison, "cases-open") == 1


def test_a_committee_member_is_asked_for_a_vote_until_they_vote() -> None:
    committee = CommitteeFactory()
    member = CommitteeMemberFactory(committee=committee, user=UserFactory(role="committee_member"))
    case = CaseFactory(committee=committee, queue=committee.slug)
    assert _count(member.user, "cases-vote") == 1
    Vote.objects.create(
        case=case, round=case.round, voter=member.user, voter_role="member", choice="approve", rationale="ok"
    )
    assert _count(member.user, "cases-vote") == 0


def test_an_auditor_has_no_work_to_do_and_empty_lines_are_left_out() -> None:
    auditor = UserFactory(role="auditor")
    assert all(item.count for item in dashboard.my_work(actor=auditor))
    assert "alerts" not in _work(auditor)  # auditors read alerts but do not review them


def test_the_decisions_chart_counts_this_weeks_outcomes_and_gates() -> None:
    unit = OrgUnitFactory()
    officer = UserFactory(role="compliance_officer", scope_units=[unit])
    GateDecisionFactory.create_batch(2, org_unit=unit, outcome="review")
    GateDecisionFactory(org_unit=unit, outcome="deny", gate="app_launch")
    chart = dashboard.decisions_chart(actor=officer, today=timezone.localdate())
    header = chart.columns
    this_week = dict(zip(header, chart.rows[-1], strict=True))
    assert this_week["Review"] == "2" and this_week["Deny"] == "1" and this_week["Allow"] == "0"
    assert this_week["Sales deal"] == "2" and this_week["App launch"] == "1"
    assert 'role="img"' in chart.svg and "<script" not in chart.svg


def test_the_dashboard_page_shows_the_work_and_the_charts_with_their_tables(api_client) -> None:
    unit = OrgUnitFactory()
    officer = UserFactory(role="compliance_officer", scope_units=[unit])
    CaseFactory(org_unit=unit, due_at=timezone.now() - datetime.timedelta(days=1))
    GateDecisionFactory(org_unit=unit)
    html = api_client(officer).get("/dashboard/").content.decode()
    assert 'data-key="cases-overdue"' in html and "Cases past their due date" in html
    assert 'id="chart-decisions"' in html and "The numbers as a table" in html
    assert "<script" not in html.split('id="charts-h"')[1]  # the charts need no script


def test_the_risk_trend_reads_each_weeks_last_recompute_for_the_roles_that_read_the_ledger() -> None:
    from conduct.apps.accounts.actors import CLI
    from conduct.apps.audit.services import ledger_append

    ledger_append(
        actor=CLI,
        action="supplier.risk_recompute",
        object_type="supplier",
        object_id="*",
        summary={"suppliers": 3, "changed": 3, "bands": {"high": 2, "low": 1}, "seconds": 0.1},
    )
    officer = UserFactory(role="compliance_officer")
    chart = dashboard.supplier_risk_trend_chart(actor=officer, today=timezone.localdate())
    assert chart is not None
    this_week = dict(zip(chart.columns, chart.rows[-1], strict=True))
    assert this_week["High"] == "2" and this_week["Low"] == "1" and this_week["Critical"] == "0"
    liaison = UserFactory(role="liaison")
    assert dashboard.supplier_risk_trend_chart(actor=liaison, today=timezone.localdate()) is None
