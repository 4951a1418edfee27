"""Recommendations: routed to liaisons (falling back up the tree), worked with evidence, reminded before they
fall due, escalated to the compliance officers when overdue; the liaison network's coverage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.services import orgunit_create
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.governance import services
from conduct.apps.governance.models import Recommendation
from conduct.apps.notifications.models import Notification
from tests.apps.governance.conftest import post_json

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def unit(code):
    return OrgUnit.objects.get(code=code)


def make(officer, code="br-uk", due=None, title="Check end-use statements"):
    return services.recommendation_create(
        actor=officer, title=title, org_unit=unit(code), due_date=due or TODAY
    )


def test_an_item_for_a_branch_goes_to_that_branchs_liaisons(officer):
    item = make(officer, "br-uk")
    assert item.routed_unit.code == "br-uk" and [u.username for u in item.assignees.all()] == ["liaison_uk"]
    assert Notification.objects.filter(
        user__username="liaison_uk", kind="assignment", link=f"/governance/recommendations/{item.pk}/"
    ).exists()


def test_without_a_liaison_it_falls_back_to_the_nearest_parent_that_has_one(officer):
    desk = orgunit_create(
        actor=SYSTEM,
        code="br-br-recife",
        name="Recife desk",
        kind="branch",
        country="BR",
        parent=unit("br-br"),
    )
    item = make(officer, desk.code)
    # Recife desk -> Brazil Branch (no liaison) -> Global Sales (liaison_sales)
    assert item.routed_unit.code == "hq-sales" and [u.username for u in item.assignees.all()] == [
        "liaison_sales"
    ]
    assert Notification.objects.filter(
        user__username="liaison_sales", kind="assignment", text__contains="routed from Recife desk"
    ).exists()


def test_with_no_liaison_anywhere_above_the_officers_are_told(officer):
    from conduct.apps.accounts.models import Liaison

    Liaison.objects.filter(org_unit__code__in=["hq", "bu-video"]).delete()
    item = make(officer, "br-shenzhen")
    assert item.routed_unit is None and not item.assignees.exists()
    assert Notification.objects.filter(
        user__username="officer", kind="assignment", text__contains="No liaison"
    ).exists()


def test_a_liaison_works_an_item_to_done_with_evidence(officer, liaison_uk, api_client):
    item = make(officer, due=TODAY + dt.timedelta(days=10))
    client = api_client(liaison_uk)
    url = f"/api/v1/recommendations/{item.pk}"
    started = post_json(client, url, {"status": "in_progress"}, "patch").json()
    assert started["status"] == "in_progress" and started["first_response_at"]
    no_evidence = post_json(client, url, {"status": "done"}, "patch")
    assert no_evidence.status_code == 422 and "evidence" in no_evidence.json()["error"]["fields"]
    done = post_json(
        client, url, {"status": "done", "evidence": "Signed statements filed as DMS-4411."}, "patch"
    ).json()
    assert done["status"] == "done" and done["completed_at"] and done["evidence"].startswith("Signed")
    assert post_json(client, url, {"status": "open"}, "patch").status_code == 422  # only an officer reopens
    assert post_json(client, url, {"due_date": "2031-01-01"}, "patch").json()["error"]["fields"]["due_date"]
    assert (
        post_json(api_client(officer), url, {"status": "in_progress"}, "patch").json()["status"]
        == "in_progress"
    )
    assert LedgerEntry.objects.filter(action="recommendation.update", object_id=str(item.pk)).count() == 3


def test_the_recommendation_page_lets_the_liaison_record_progress(officer, liaison_uk, api_client):
    item = make(officer, due=TODAY + dt.timedelta(days=10))
    client = api_client(liaison_uk)
    page = client.get(f"/governance/recommendations/{item.pk}/").content.decode()
    assert "Evidence of completion" in page and 'name="status"' in page
    bad = client.post(f"/governance/recommendations/{item.pk}/update", {"status": "done", "evidence": ""})
    assert bad.status_code == 422 and "Say what shows it is done" in bad.content.decode()
    good = client.post(
        f"/governance/recommendations/{item.pk}/update", {"status": "done", "evidence": "Minutes of 3 March"}
    )
    assert good.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_an_overdue_item_escalates_to_the_officers_once(officer, django_capture_on_commit_callbacks):
    late = make(officer, title="Retrain the Dubai sales team", code="br-ae")
    Recommendation.objects.filter(pk=late.pk).update(due_date=TODAY - dt.timedelta(days=3))
    on_time = make(officer, title="Not yet due", due=TODAY + dt.timedelta(days=20))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        escalated = services.recommendation_escalate_overdue(today=TODAY)
    assert [i.pk for i in escalated] == [late.pk]
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at is not None and on_time.escalated_at is None
    told = Notification.objects.filter(kind="overdue", link=f"/governance/recommendations/{late.pk}/")
    assert set(told.values_list("user__username", flat=True)) == {"officer", "liaison_ae"}
    assert "Overdue by 3 days in UAE Branch" in told.first().text
    assert any(
        m.to == ["officer@demo.conduct.invalid"] and "Retrain the Dubai" in m.subject for m in mail.outbox
    )
    assert LedgerEntry.objects.filter(action="recommendation.escalate", object_id=str(late.pk)).count() == 1
    # idempotent: the next day's run escalates nothing again
    assert services.recommendation_escalate_overdue(today=TODAY + dt.timedelta(days=1)) == []
    assert told.count() == 2


def test_the_daily_jobs_are_scheduled_and_run(officer):
    from django.utils.module_loading import import_string

    from conduct.apps.web.management.commands.worker import DAILY_JOBS

    late = make(officer)
    Recommendation.objects.filter(pk=late.pk).update(due_date=TODAY - dt.timedelta(days=1))
    jobs = {path.rsplit(".", 1)[1]: import_string(path) for path in DAILY_JOBS if ".governance." in path}
    assert set(jobs) == {"escalate_overdue_recommendations", "send_deadline_reminders"}
    assert jobs["escalate_overdue_recommendations"].enqueue().return_value == 1  # in-process backend in tests
    assert jobs["escalate_overdue_recommendations"].enqueue().return_value == 0


def test_deadlines_approaching_are_reminded_once(officer, tec_case, vote, cast):
    soon = make(officer, due=TODAY + dt.timedelta(days=2))
    make(officer, due=TODAY + dt.timedelta(days=20), title="Far off")
    vote(cast("ethics_member"), tec_case, "abstain")
    tec_case.due_at = tec_case.opened_at
    tec_case.save(update_fields=["due_at"])
    sent = services.deadline_reminders_send(today=TODAY)
    assert sent == 2
    reminded = Notification.objects.filter(kind="deadline")
    assert set(
        reminded.filter(link=f"/governance/recommendations/{soon.pk}/").values_list(
            "user__username", flat=True
        )
    ) == {"liaison_uk"}
    # only the voters who have not voted yet are reminded of the case
    assert set(
        reminded.filter(link=f"/governance/cases/{tec_case.pk}/").values_list("user__username", flat=True)
    ) == {"ethics_chair", "ethics_engineer", "ethics_external"}
    assert services.deadline_reminders_send(today=TODAY) == 0


def test_the_liaison_network_shows_coverage_open_overdue_and_response_time(officer, liaison_uk, api_client):
    a = make(officer, due=TODAY + dt.timedelta(days=5))
    b = make(officer, title="Overdue one")
    Recommendation.objects.filter(pk=b.pk).update(due_date=TODAY - dt.timedelta(days=2))
    services.recommendation_update(actor=liaison_uk, recommendation=a, status="in_progress")
    make(officer, code="br-br", title="For Brazil")
    net = api_client(officer).get("/api/v1/liaison-network").json()
    rows = {r["org_unit"]: r for r in net["units"]}
    assert set(net["units_without_liaison"]) >= {"hq-compliance", "bu-apps", "br-shenzhen", "br-br"}
    assert (rows["br-uk"]["open"], rows["br-uk"]["overdue"], rows["br-uk"]["liaisons"]) == (
        2,
        1,
        ["liaison_uk"],
    )
    assert rows["br-uk"]["median_response_hours"] is not None and net["median_response_hours"] is not None
    assert (rows["br-br"]["routed_to"], rows["br-br"]["open"]) == ("hq-sales", 1)
    page = api_client(officer).get("/governance/liaison-network/").content.decode()
    assert "Brazil Branch" in page and "routed to Global Sales" in page
    mine = api_client(liaison_uk).get("/api/v1/liaison-network").json()
    assert [r["org_unit"] for r in mine["units"]] == ["br-uk"]
