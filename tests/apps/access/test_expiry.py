"""A request nobody answers expires after ACCESS_REQUEST_EXPIRY_HOURS: answering is refused from then on, and
the scheduler's job records the expiry and tells the requester.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conduct.apps.access import services
from conduct.apps.access.models import AccessRequest
from conduct.apps.access.tasks import expire_access_requests
from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Conflict
from conduct.apps.notifications.models import Notification


def _request(world):
    return services.access_request_create(
        actor=world.engineer, serials=["T-CAM-1"], scopes=["read_logs"], reason="r"
    )


def test_the_answer_time_follows_the_setting(world, settings):
    settings.ACCESS_REQUEST_EXPIRY_HOURS = 3
    request = _request(world)
    assert request.answer_by - request.created_at == timedelta(hours=3)


def test_a_request_past_its_answer_time_cannot_be_approved(world):
    request = _request(world)
    AccessRequest.objects.filter(pk=request.pk).update(answer_by=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict) as caught:
        services.access_request_approve(actor=world.approver, request=request)
    assert caught.value.code == "expired"


def test_the_job_expires_only_overdue_requests_once(world):
    due, fresh = _request(world), _request(world)
    AccessRequest.objects.filter(pk=due.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    assert [r.pk for r in services.access_requests_expire(actor=SCHEDULER)] == [due.pk]
    assert services.access_requests_expire(actor=SCHEDULER) == []
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.status, fresh.status) == ("expired", "pending")
    assert LedgerEntry.objects.filter(action="access_request.expire", object_id=str(due.pk)).count() == 1
    assert Notification.objects.filter(user=world.engineer, kind="deadline").count() == 1
    with pytest.raises(Conflict):
        services.access_request_deny(actor=world.approver, request=due)


def test_the_task_runs_the_job(world):
    request = _request(world)
    AccessRequest.objects.filter(pk=request.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    expire_access_requests.call()
    request.refresh_from_db()
    assert request.status == "expired"
