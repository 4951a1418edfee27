"""Scoped reads of training: the assignments with each person's standing (duties), completion per unit
(assigned against completed in date) with the gaps a liaison sees for their units, the reader's own training,
and the people and courses a completion form offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize, can, scoped
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.workforce import duties
from conduct.apps.workforce.models import TrainingAssignment, TrainingCourse
from conduct.apps.workforce.people import UnitCompletion


@dataclass(frozen=True)
class AssignmentStanding:
    assignment: TrainingAssignment
    units: list[UnitCompletion]  # assigned vs completed in date, per unit, with those missing
    overdue: list[duties.Duty]


def _units(rows: list[duties.Duty]) -> list[UnitCompletion]:
    by_unit: dict[str, list[duties.Duty]] = {}
    for d in rows:
        by_unit.setdefault(d.unit, []).append(d)
    out = []
    for unit in sorted(by_unit):
        members = by_unit[unit]
        done = sum(1 for d in members if d.in_date)
        out.append(
            UnitCompletion(
                unit,
                len(members),
                done,
                round(done / len(members), 4),
                sorted(d.username for d in members if not d.in_date),
            )
        )
    return out


def assignment_list(*, actor: User) -> QuerySet[TrainingAssignment]:
    authorize(actor, "workforce.view")
    return TrainingAssignment.objects.select_related("course", "unit")


def assignment_get(*, actor: User, assignment_id: int) -> TrainingAssignment:
    found = assignment_list(actor=actor).filter(pk=assignment_id).first()
    if found is None:
        raise NotFound(_("No training assignment %(id)d.") % {"id": assignment_id})
    return found


def assignment_standing(*, actor: User, assignment: TrainingAssignment) -> AssignmentStanding:
    """The people of the reader's units the assignment covers today (staff and auditors: everyone)."""
    people = scoped(duties.audience(assignment), actor, permission="workforce.view", unit_field="home_unit")
    rows = duties.duties(assignment, people, timezone.localdate())
    return AssignmentStanding(assignment, _units(rows), [d for d in rows if d.status == duties.OVERDUE])


def my_training(*, actor: User) -> list[tuple[TrainingAssignment, duties.Duty]]:
    """The reader's own assignments and where they stand (every internal user)."""
    authorize(actor, "policies.view")
    today = timezone.localdate()
    mine: list[tuple[TrainingAssignment, duties.Duty]] = []
    for a in TrainingAssignment.objects.select_related("course", "unit"):
        people = duties.audience(a).filter(pk=actor.pk)
        mine.extend((a, d) for d in duties.duties(a, people, today))
    return mine


def training_overview(*, actor: User) -> dict[str, Any]:
    """The training page: the reader's own training; with workforce.view, every assignment's standing in
    the reader's units and the courses; with training.record, the people a completion may be entered for."""
    overview: dict[str, Any] = {"mine": my_training(actor=actor), "assignments": [], "courses": []}
    if can(actor, "workforce.view"):
        overview["assignments"] = [
            assignment_standing(actor=actor, assignment=a) for a in assignment_list(actor=actor)
        ]
        overview["courses"] = list(TrainingCourse.objects.all())
    overview["trainees"] = trainee_choices(actor=actor)
    return overview


def trainee_choices(*, actor: User) -> list[User]:
    if not can(actor, "training.record"):
        return []
    return list(
        scoped(
            User.objects.filter(is_active=True, home_unit__isnull=False),
            actor,
            permission="training.record",
            unit_field="home_unit",
        )
        .exclude(role__in=("supplier", "customer", "customer_approver"))
        .order_by("username")[:2000]
    )


def trainee_for(*, actor: User, username: str) -> User:
    """A person whose completion the reader may enter: 403 without training.record; a name out of the
    reader's units is a bad `user` field (422), as an unknown one is."""
    authorize(actor, "training.record")
    found = (
        scoped(
            User.objects.filter(is_active=True, home_unit__isnull=False),
            actor,
            permission="training.record",
            unit_field="home_unit",
        )
        .filter(username=(username or "").strip()[:150])
        .first()
    )
    if found is None or found.is_portal:
        raise Invalid(
            _("Unknown person."),
            fields={"user": _("No active person %(u)r in your units.") % {"u": username}},
        )
    return found


def course_for(*, actor: User, code: str, permission: str = "workforce.view") -> TrainingCourse:
    """A course named in a form or body: 403 without `permission`, a bad `course` field when unknown."""
    authorize(actor, permission)
    found = TrainingCourse.objects.filter(code=(code or "").strip()[:64]).first()
    if found is None:
        raise Invalid(_("Unknown course."), fields={"course": _("No course %(c)r.") % {"c": code}})
    return found
