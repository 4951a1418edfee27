"""Training assignments (by role, by unit, to new joiners), due dates, expiry and refresh, completion per
unit (assigned against completed in date) with a liaison's gaps, and completions entered one at a time."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Forbidden, Invalid
from conduct.apps.workforce import duties, services, training_reads
from conduct.apps.workforce.models import TrainingCompletion
from tests.factories.suppliers import OfficerFactory
from tests.factories.workforce import CourseFactory, LiaisonFactory, PersonFactory

PDF = b"%PDF-1.4\n%test\n"


def _today():
    return timezone.localdate()


def test_an_assignment_by_role_covers_the_people_of_that_role_and_a_later_hire(db):
    liaison = LiaisonFactory()
    unit = liaison.home_unit
    analyst = PersonFactory(unit=unit)
    PersonFactory(unit=unit, role="liaison")  # another role: not covered
    course = CourseFactory()
    due = _today() + timedelta(days=30)
    assignment = services.assignment_create(
        actor=CLI, course=course, rule="role", roles=["analyst"], unit=unit, due_date=due, due_days=10
    )
    assert list(duties.audience(assignment)) == [analyst]
    hired = PersonFactory(unit=unit)  # joins after the assignment: covered at once, no row written
    assert set(duties.audience(assignment)) == {analyst, hired}
    rows = duties.duties(assignment, duties.audience(assignment), _today())
    assert {d.username: d.status for d in rows} == {analyst.username: "due", hired.username: "due"}
    entry = LedgerEntry.objects.filter(action="training_assignment.create").latest("seq")
    assert entry.summary["rule"] == "role" and entry.summary["people_now"] == 1


def test_new_joiners_are_due_some_days_after_joining_and_earlier_staff_are_not_covered(db):
    unit = OfficerFactory().home_unit
    veteran = PersonFactory(unit=unit, date_joined=timezone.now() - timedelta(days=400))
    course = CourseFactory()
    assignment = services.assignment_create(
        actor=CLI, course=course, rule="new_joiners", unit=unit, roles=["analyst"], due_days=14
    )
    newcomer = PersonFactory(unit=unit)
    assert veteran not in duties.audience(assignment)
    [duty] = duties.duties(assignment, duties.audience(assignment), _today())
    assert duty.username == newcomer.username and duty.due == newcomer.date_joined.date() + timedelta(days=14)


def test_an_expired_completion_makes_the_person_due_again_and_a_late_one_is_not_in_date(db):
    unit = OfficerFactory().home_unit
    person = PersonFactory(unit=unit, date_joined=timezone.now() - timedelta(days=900))
    course = CourseFactory(validity_months=12)
    assignment = services.assignment_create(
        actor=CLI,
        course=course,
        rule="unit",
        unit=unit,
        roles=["analyst"],
        due_date=_today() + timedelta(days=5),
    )
    old = _today() - timedelta(days=400)
    services.completion_record(actor=CLI, course=course, user=person, completed_on=old)
    [duty] = duties.duties(assignment, duties.audience(assignment), _today())
    assert duty.status == "due" and duty.expires_on < _today()  # expired: no longer done, due again
    services.completion_record(actor=CLI, course=course, user=person, completed_on=_today())
    [duty] = duties.duties(assignment, duties.audience(assignment), _today())
    assert duty.status == "done" and duty.in_date is True  # the assignment's own date is later still


def test_completion_per_unit_counts_completed_in_date_and_a_liaison_sees_her_units_gaps(db):
    liaison = LiaisonFactory()
    other = LiaisonFactory()
    done, missing = PersonFactory(unit=liaison.home_unit), PersonFactory(unit=liaison.home_unit)
    elsewhere = PersonFactory(unit=other.home_unit)
    course = CourseFactory()
    assignment = services.assignment_create(
        actor=CLI,
        course=course,
        rule="role",
        roles=["analyst"],
        due_date=_today() + timedelta(days=3),
    )
    services.completion_record(actor=liaison, course=course, user=done, completed_on=_today())
    standing = training_reads.assignment_standing(actor=liaison, assignment=assignment)
    [unit] = standing.units
    assert (unit.unit, unit.assigned, unit.done, unit.share) == (liaison.home_unit.code, 2, 1, 0.5)
    assert unit.missing == [missing.username]
    assert elsewhere.username not in str(standing)
    officer_view = training_reads.assignment_standing(
        actor=OfficerFactory(unit=liaison.home_unit.parent or liaison.home_unit), assignment=assignment
    )
    assert sum(u.assigned for u in officer_view.units) >= 2


def test_a_liaison_records_completions_only_for_people_of_her_units(db):
    liaison = LiaisonFactory()
    stranger = PersonFactory(unit=LiaisonFactory().home_unit)
    course = CourseFactory()
    with pytest.raises(Forbidden):
        services.completion_record(actor=liaison, course=course, user=stranger, completed_on=_today())
    with pytest.raises(Invalid) as caught:
        training_reads.trainee_for(actor=liaison, username=stranger.username)
    assert "user" in caught.value.fields


@pytest.mark.parametrize(
    ("completed_on", "field"),
    [("2026-02-30", "completed_on"), ("tomorrow", "completed_on"), (None, "completed_on")],
)
def test_bad_dates_are_refused_with_a_field_message(db, completed_on, field):
    person = PersonFactory()
    with pytest.raises(Invalid) as caught:
        services.completion_record(actor=CLI, course=CourseFactory(), user=person, completed_on=completed_on)
    assert field in caught.value.fields and not TrainingCompletion.objects.filter(user=person).exists()


def test_a_future_date_a_bad_score_and_a_bad_file_are_refused_and_nothing_is_stored(db):
    person = PersonFactory()
    with pytest.raises(Invalid) as caught:
        services.completion_record(
            actor=CLI,
            course=CourseFactory(),
            user=person,
            completed_on=_today() + timedelta(days=1),
            score=101,
            certificate=b"MZ not a pdf",
        )
    assert set(caught.value.fields) == {"completed_on", "score", "certificate"}
    assert not TrainingCompletion.objects.filter(user=person).exists()


def test_an_oversized_certificate_is_refused(db, settings):
    settings.WORKFORCE = {**settings.WORKFORCE, "TRAINING_FILE_MAX_BYTES": 1024}
    with pytest.raises(Invalid) as caught:
        services.completion_record(
            actor=CLI,
            course=CourseFactory(),
            user=PersonFactory(),
            completed_on=_today(),
            certificate=PDF + b"0" * 2000,
        )
    assert "1024" in caught.value.fields["certificate"]


def test_a_completion_with_score_and_certificate_is_stored_and_ledgered(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = PersonFactory()
    row = services.completion_record(
        actor=CLI,
        course=CourseFactory(validity_months=24),
        user=person,
        completed_on=_today(),
        score=88,
        certificate=PDF,
        filename="cert.pdf",
    )
    assert row.source == "entered" and row.score == 88 and row.expires_on > _today()
    with row.certificate.open("rb") as stored:
        assert stored.read() == PDF and row.certificate_name == "cert.pdf"
    entry = LedgerEntry.objects.filter(action="training_completion.record").latest("seq")
    assert entry.summary["certificate_sha256"] == row.certificate_sha256


def test_the_completion_page_re_renders_the_form_with_the_date_error(db, api_client):
    liaison = LiaisonFactory()
    person = PersonFactory(unit=liaison.home_unit)
    course = CourseFactory()
    page = api_client(liaison).post(
        "/workforce/training/completions/new",
        {"course": course.code, "user": person.username, "completed_on": "2999-01-01"},
    )
    assert page.status_code == 422 and b"In the future" in page.content
    assert not TrainingCompletion.objects.filter(user=person).exists()


def test_the_api_assigns_a_course_and_records_a_completion_with_a_certificate(
    db, api_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    officer = OfficerFactory()
    person = PersonFactory(unit=officer.home_unit)
    course = CourseFactory()
    client = api_client(officer)
    made = client.post(
        "/api/v1/training/assignments",
        {"course": course.code, "rule": "unit", "unit": officer.home_unit.code, "due_date": "2099-01-01"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["units"][0]["missing"] == sorted([officer.username, person.username])
    body = {
        "course": course.code,
        "user": person.username,
        "completed_on": _today().isoformat(),
        "score": 90,
        "certificate_name": "c.pdf",
        "certificate_base64": base64.b64encode(PDF).decode(),
    }
    done = client.post("/api/v1/training/completions", body, content_type="application/json")
    assert done.status_code == 201 and done.json()["certificate_sha256"]
    bad = client.post(
        "/api/v1/training/completions",
        {**body, "completed_on": "2999-01-01", "certificate_base64": None},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "completed_on" in bad.json()["error"]["fields"]
    mine = api_client(person).get("/api/v1/training/mine")
    assert mine.status_code == 200 and mine.json()[0]["status"] == "done"
