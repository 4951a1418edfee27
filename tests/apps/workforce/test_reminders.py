"""Scheduled reminders: attestation campaigns and training assignments at the configured cadence before and
after the due date, once per person, subject, due date and step; the CLI runs them and prints the counts."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.notifications.models import Notification
from conduct.apps.web.management.commands.worker import PERIODIC_JOBS
from conduct.apps.workforce import services
from conduct.apps.workforce.models import ReminderSent
from conduct.apps.workforce.services.reminders import step_due
from tests.factories.workforce import CourseFactory, LiaisonFactory, PersonFactory


@pytest.fixture(autouse=True)
def cadence(settings):
    settings.WORKFORCE = {
        **settings.WORKFORCE,
        "ATTESTATION_REMINDER_DAYS": [7, 1, -3],
        "TRAINING_REMINDER_DAYS": [7, -3],
    }


def _campaign(unit, due):
    version = services.policy_create(
        actor=CLI, key="t-remind", title="T", org_unit=unit, body="# T", next_review="2099-01-01"
    )
    services.policy_version_submit(actor=CLI, version=version)
    services.policy_version_approve(actor=CLI, version=version)
    return services.campaign_create(actor=CLI, version=version, roles=["liaison"], units=[unit], due_date=due)


def test_the_step_is_the_latest_reached():
    today = timezone.localdate()
    due = today + timedelta(days=5)
    assert step_due(due, today, [7, 1, -3]) == 7
    assert step_due(due, today - timedelta(days=10), [7, 1, -3]) is None
    assert step_due(due, due + timedelta(days=4), [7, 1, -3]) == -3


def test_attestation_reminders_go_once_per_step_to_those_who_have_not_acknowledged(db):
    reader = LiaisonFactory()
    unit = reader.home_unit
    late = LiaisonFactory(unit=unit)
    today = timezone.localdate()
    campaign = _campaign(unit, today + timedelta(days=5))
    services.attestation_acknowledge(actor=reader, campaign=campaign)
    first = services.reminders_send(actor=CLI, today=today)  # step 7 reached
    assert first.attestations == 1
    assert services.reminders_send(actor=CLI, today=today).attestations == 0  # idempotent
    assert services.reminders_send(actor=CLI, today=today + timedelta(days=4)).attestations == 1  # step 1
    after = services.reminders_send(actor=CLI, today=today + timedelta(days=9))  # step -3, after due
    assert after.attestations == 1
    steps = ReminderSent.objects.filter(subject_id=campaign.pk, kind="attestation").values_list(
        "step", "user"
    )
    assert sorted(steps) == [(-3, late.pk), (1, late.pk), (7, late.pk)]
    assert not ReminderSent.objects.filter(user=reader).exists()
    assert Notification.objects.filter(user=late, kind="overdue").count() == 1
    assert campaign.attestations.get(user=late).reminders == 3
    assert LedgerEntry.objects.filter(action="reminders.send").count() == 3


def test_training_reminders_follow_each_persons_due_date_and_stop_once_completed(db):
    unit = LiaisonFactory().home_unit
    person, trained = PersonFactory(unit=unit), PersonFactory(unit=unit)
    course = CourseFactory()
    today = timezone.localdate()
    services.assignment_create(
        actor=CLI,
        course=course,
        rule="unit",
        unit=unit,
        roles=["analyst"],
        due_date=today + timedelta(days=3),
    )
    services.completion_record(actor=CLI, course=course, user=trained, completed_on=today)
    run = services.reminders_send(actor=CLI, today=today)
    assert run.training == 1 and run.people >= 1
    assert ReminderSent.objects.filter(kind="training", user=person, step=7).exists()
    assert not ReminderSent.objects.filter(kind="training", user=trained).exists()
    services.completion_record(actor=CLI, course=course, user=person, completed_on=today)
    assert services.reminders_send(actor=CLI, today=today + timedelta(days=6)).training == 0


def test_the_cli_runs_the_reminders_and_prints_counts_as_json(db):
    unit = LiaisonFactory().home_unit
    LiaisonFactory(unit=unit)
    _campaign(unit, timezone.localdate() + timedelta(days=1))
    out = StringIO()
    call_command("workforce_remind", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert set(counts) == {"attestations", "training", "people"} and counts["attestations"] >= 2
    again = StringIO()
    call_command("workforce_remind", stdout=again)
    assert "0 attestation" in again.getvalue()


def test_the_worker_schedules_the_reminders():
    assert ("conduct.apps.workforce.tasks.send_reminders", 3600) in PERIODIC_JOBS
