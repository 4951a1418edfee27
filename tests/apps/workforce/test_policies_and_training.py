"""Policies (Markdown versions, four-eyes approval, publication), attestation campaigns (assignment by role
and unit, acknowledgement, reminders, completion per unit with the gaps) and training completions imported
from a CSV export."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound
from conduct.apps.notifications.models import Notification
from conduct.apps.workforce import people, services
from conduct.apps.workforce.models import PolicyStatus, TrainingCompletion
from tests.factories.suppliers import OfficerFactory
from tests.factories.workforce import LiaisonFactory


def _published(unit):
    version = services.policy_create(
        actor=CLI,
        key="t-policy",
        title="Test policy",
        org_unit=unit,
        body="# Rules\n\n<script>x</script>",
        next_review="2099-01-01",
    )
    services.policy_version_submit(actor=CLI, version=version)
    return services.policy_version_approve(actor=CLI, version=version)


def test_a_version_is_approved_by_someone_other_than_its_submitter(world):
    author = OfficerFactory()
    reviewer = OfficerFactory(unit=author.home_unit)
    version = services.policy_create(
        actor=author,
        key="t-four-eyes",
        title="T",
        org_unit=author.home_unit,
        body="# T",
        next_review="2099-01-01",
    )
    with pytest.raises(Conflict):
        services.policy_version_approve(actor=author, version=version)  # a draft is not approved
    services.policy_version_submit(actor=author, version=version)
    with pytest.raises(Forbidden):
        services.policy_version_approve(actor=author, version=version)
    published = services.policy_version_approve(actor=reviewer, version=version)
    assert published.status == PolicyStatus.PUBLISHED and published.published_at is not None


def test_a_new_published_version_retires_the_last_one(world):
    first = _published(world.plant.org_unit)
    second = services.policy_version_create(
        actor=CLI, policy=first.policy, body="# v2", next_review="2099-06-01"
    )
    services.policy_version_submit(actor=CLI, version=second)
    services.policy_version_approve(actor=CLI, version=second)
    first.refresh_from_db()
    assert (first.status, second.number) == (PolicyStatus.RETIRED, 2)


def test_markdown_renders_to_html_and_raw_html_is_shown_as_text(world):
    html = str(people.render_markdown(_published(world.plant.org_unit).body))
    assert "<h1>Rules</h1>" in html and "<script>" not in html and "&lt;script&gt;" in html


def test_a_campaign_is_acknowledged_by_part_of_a_unit_and_the_rest_are_reminded(world):
    version = _published(world.plant.org_unit)
    colleague = LiaisonFactory(unit=world.plant.org_unit)
    campaign = services.campaign_create(
        actor=CLI, version=version, roles=["liaison"], units=[world.plant.org_unit], due_date="2099-01-01"
    )
    services.attestation_acknowledge(actor=world.plant_liaison, campaign=campaign)
    (unit,) = people.campaign_completion(actor=world.plant_liaison, campaign=campaign)
    assert (unit.assigned, unit.done, unit.share, unit.missing) == (2, 1, 0.5, [colleague.username])
    before = Notification.objects.filter(user=colleague, kind="deadline").count()
    assert services.campaign_remind(actor=CLI, campaign=campaign) == 1
    assert Notification.objects.filter(user=colleague, kind="deadline").count() == before + 1
    assert not Notification.objects.filter(user=world.plant_liaison, kind="deadline").exists()
    # another unit's liaison sees no gaps of this unit, and has nothing to acknowledge
    assert people.campaign_completion(actor=world.office_liaison, campaign=campaign) == []
    with pytest.raises(NotFound):
        services.attestation_acknowledge(actor=world.office_liaison, campaign=campaign)


def test_only_a_published_version_is_assigned(world):
    draft = services.policy_create(
        actor=CLI,
        key="t-draft",
        title="T",
        org_unit=world.plant.org_unit,
        body="# T",
        next_review="2099-01-01",
    )
    with pytest.raises(Invalid) as caught:
        services.campaign_create(
            actor=CLI, version=draft, roles=["liaison"], units=[world.plant.org_unit], due_date="2099-01-01"
        )
    assert "version" in caught.value.fields


def _course():
    return services.course_create(
        actor=CLI, code="t-course", title="T", roles=["liaison"], validity_months=12
    )


def test_training_import_records_completions_with_their_expiry_and_rates_count_only_valid_ones(world):
    _course()
    text = (
        "course,username,completed_on\n"
        f"t-course,{world.plant_liaison.username},2026-06-01\n"
        f"t-course,{world.office_liaison.username},2020-01-01\n"
    )
    made = services.training_import(actor=CLI, text=text)
    assert [(m.completed_on.isoformat(), m.expires_on.isoformat()) for m in made] == [
        ("2026-06-01", "2027-06-01"),
        ("2020-01-01", "2020-12-31"),
    ]
    rates = {u.unit: u for u in people.training_completion(actor=CLI)["t-course"]}
    assert rates[world.plant.org_unit.code].done == 1
    expired = rates[world.office.org_unit.code]  # a completion past its expiry: refresh due
    assert expired.missing == [world.office_liaison.username]


def test_a_bad_training_file_changes_nothing_and_names_rows_and_columns(world, tmp_path):
    _course()
    path = tmp_path / "lms.csv"
    path.write_text(
        "course,username,completed_on\nt-nope,nobody,yesterday\n"
        f"t-course,{world.plant_liaison.username},2999-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        call_command("training_import", str(path), stdout=StringIO())
    message = str(caught.value)
    for where in ("row 2.course", "row 2.username", "row 2.completed_on", "row 3.completed_on"):
        assert where in message
    assert not TrainingCompletion.objects.filter(course__code="t-course").exists()
