"""Each user's own notifications: listed, counted in the header, marked read, cleared; and emailed."""

from __future__ import annotations

import pytest
from django.core import mail

from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(cast):
    chair = cast("ethics_chair")
    notify(
        users=[chair],
        kind="vote_needed",
        text="Case 1 needs your vote: A",
        link="/governance/cases/1/",
        email=False,
    )
    notify(
        users=[chair],
        kind="deadline",
        text="Case 1 is due 2026-12-01: A",
        link="/governance/cases/1/",
        email=False,
    )
    notify(users=[cast("ethics_member")], kind="vote_needed", text="Someone else's", email=False)
    return chair


def test_the_header_counts_unread_and_the_page_lists_only_mine(inbox, api_client):
    page = api_client(inbox).get("/governance/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Notifications (2)" in html and "needs your vote" in html and "Someone else" not in html


def test_mark_read_and_clear_all(inbox, cast, api_client):
    client = api_client(inbox)
    mine = Notification.objects.filter(user=inbox).order_by("id")
    other = Notification.objects.get(user=cast("ethics_member"))
    assert client.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404
    read = client.post(f"/api/v1/notifications/{mine[0].pk}/read").json()
    assert read["read_at"] is not None
    assert [n["id"] for n in client.get("/api/v1/notifications?unread=true").json()["items"]] == [mine[1].pk]
    opened = client.post(f"/governance/notifications/{mine[1].pk}/read", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/governance/cases/1/"
    assert client.post("/governance/notifications/clear").status_code == 302
    assert client.get("/api/v1/notifications").json()["count"] == 0
    assert "Notifications (0)" in client.get("/governance/notifications/").content.decode()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_htmx_mark_read_swaps_the_item(inbox, api_client):
    n = Notification.objects.filter(user=inbox).first()
    response = api_client(inbox).post(f"/governance/notifications/{n.pk}/read", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="notification-{n.pk}"' in response.content.decode()


def test_email_goes_out_only_when_the_change_commits(cast, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users=[cast("liaison_uk"), cast("liaison_uk")], kind="assignment", text="New task", link="/x")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["liaison_uk@demo.conduct.invalid"]]
    assert "New task" in mail.outbox[0].subject and "/x" in mail.outbox[0].body


def test_an_unknown_kind_is_refused(cast):
    from conduct.apps.errors import Invalid

    with pytest.raises(Invalid):
        notify(users=[cast("officer")], kind="gossip", text="x")


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_with_the_database_task_backend_the_email_task_is_written_in_the_same_transaction(cast, settings):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    liaison = cast("liaison_uk")
    with transaction.atomic():
        notify(users=[liaison], kind="assignment", text="Kept", link="/kept")
        assert DBTaskResult.objects.count() == 1  # queued inside the change's own transaction, not after it
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[liaison], kind="assignment", text="Dropped", link="/dropped")
        raise RuntimeError("the change fails")
    [task] = DBTaskResult.objects.all()
    assert (
        task.args_kwargs["args"][2] == "Kept"
    )  # the rolled-back change left neither a notification nor a task
    assert not Notification.objects.filter(text="Dropped").exists()
