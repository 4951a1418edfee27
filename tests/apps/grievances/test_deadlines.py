"""Deadlines from settings (acknowledge within GRIEVANCE_ACK_DAYS, feedback within GRIEVANCE_FEEDBACK_MONTHS):
the daily task escalates each overdue report once per deadline, to the officers it does not exclude."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.grievances.models import Exclusion, Grievance
from conduct.apps.grievances.services import grievances_escalate_overdue
from conduct.apps.grievances.services._common import add_months, deadlines
from conduct.apps.grievances.tasks import escalate_overdue_grievances
from conduct.apps.notifications.models import Notification
from tests.factories.grievances import GrievanceFactory


def test_the_deadlines_follow_the_whistleblower_directive_by_default():
    received = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.get_current_timezone())
    ack, feedback = deadlines(received)
    assert ack == received + timedelta(days=7)
    assert feedback == datetime(2027, 3, 7, 9, 0, tzinfo=received.tzinfo)
    assert add_months(datetime(2027, 1, 31, tzinfo=received.tzinfo), 1).day == 28


@override_settings(GRIEVANCE_ACK_DAYS=2, GRIEVANCE_FEEDBACK_MONTHS=1)
def test_the_deadlines_come_from_settings():
    received = datetime(2026, 5, 10, tzinfo=timezone.get_current_timezone())
    assert deadlines(received) == (
        datetime(2026, 5, 12, tzinfo=received.tzinfo),
        datetime(2026, 6, 12, tzinfo=received.tzinfo),
    )


@pytest.mark.django_db
def test_overdue_reports_are_escalated_once_per_deadline_to_the_officers_not_excluded(officers):
    Grievance.objects.all().delete()  # only this test's reports (rolled back with it)
    named, other = officers
    old = timezone.now() - timedelta(days=120)
    late = GrievanceFactory(received_at=old)
    Exclusion.objects.create(grievance=late, user=named, source="report")
    acknowledged = GrievanceFactory(received_at=old, status="acknowledged", acknowledged_at=old)
    fresh = GrievanceFactory()
    answered = GrievanceFactory(received_at=old, status="acknowledged", acknowledged_at=old, feedback_at=old)

    made = grievances_escalate_overdue(actor=SCHEDULER)

    assert sorted(made) == sorted(
        [(late.pk, "acknowledge"), (late.pk, "feedback"), (acknowledged.pk, "feedback")]
    )
    assert fresh.pk not in {pk for pk, _ in made} and answered.pk not in {pk for pk, _ in made}
    assert (
        Notification.objects.filter(user=other, kind="overdue", link=f"/grievances/{late.pk}/").count() == 2
    )
    assert not Notification.objects.filter(user=named, link=f"/grievances/{late.pk}/").exists()
    assert escalate_overdue_grievances.call() == 0  # the daily task: nothing twice


@pytest.mark.django_db
def test_the_daily_job_is_scheduled_by_the_worker():
    from conduct.apps.web.management.commands.worker import DAILY_JOBS

    assert "conduct.apps.grievances.tasks.escalate_overdue_grievances" in DAILY_JOBS
