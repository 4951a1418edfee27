"""Who a training assignment covers and where each person stands, read from the assignment's rule at the
time of asking (no row per person is written: a new joiner or a change of role is covered at once).

A person's due date is the assignment's, or `due_days` after they joined when that is later (new joiners:
always `due_days` after joining). A completion valid today answers it, "in date" when it was made by the due
date (for a refresh: by the expiry of the completion before it). Once the latest completion expires the
person is due again on its expiry date."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import PORTAL_ROLES
from conduct.apps.workforce.models import AssignmentRule, TrainingAssignment, TrainingCompletion

DONE, DUE, OVERDUE = "done", "due", "overdue"


@dataclass(frozen=True)
class Duty:
    """One person's standing on one assignment today."""

    assignment: int
    user_id: int
    username: str
    unit: str
    due: date
    status: str  # done, due or overdue
    in_date: bool  # holds a valid completion made by the due date
    completed_on: date | None
    expires_on: date | None


def audience(assignment: TrainingAssignment) -> QuerySet[User]:
    """The active internal people the rule covers today (each at home in an org unit)."""
    people = User.objects.filter(is_active=True, home_unit__isnull=False).exclude(role__in=PORTAL_ROLES)
    if assignment.roles:
        people = people.filter(role__in=assignment.roles)
    if assignment.unit_id is not None:
        people = people.filter(home_unit__path__startswith=assignment.unit.path)  # type: ignore[union-attr]
    if assignment.rule == AssignmentRule.NEW_JOINERS:
        people = people.filter(date_joined__date__gte=assignment.starts_on)
    return people


def base_due(assignment: TrainingAssignment, joined: date) -> date:
    after_joining = joined + timedelta(days=assignment.due_days)
    if assignment.rule == AssignmentRule.NEW_JOINERS or assignment.due_date is None:
        return after_joining
    if assignment.due_days and joined > assignment.starts_on:
        return max(assignment.due_date, after_joining)
    return assignment.due_date


def standing(
    assignment: TrainingAssignment, user: User, unit: str, completions: list[TrainingCompletion], today: date
) -> Duty:
    """`completions`: the person's completions of the course, oldest first."""
    due = base_due(assignment, user.date_joined.date())
    latest = completions[-1] if completions else None
    if latest is not None and (latest.expires_on is None or latest.expires_on >= today):
        before = completions[-2].expires_on if len(completions) > 1 else None
        deadline = max(due, before) if before else due
        return Duty(
            assignment.pk,
            user.pk,
            user.username,
            unit,
            deadline,
            DONE,
            latest.completed_on <= deadline,
            latest.completed_on,
            latest.expires_on,
        )
    if latest is not None and latest.expires_on is not None:
        due = max(due, latest.expires_on)  # refresh: due again when the last one ran out
    return Duty(
        assignment.pk,
        user.pk,
        user.username,
        unit,
        due,
        OVERDUE if due < today else DUE,
        False,
        latest.completed_on if latest else None,
        latest.expires_on if latest else None,
    )


def duties(assignment: TrainingAssignment, people: QuerySet[User], today: date) -> list[Duty]:
    """The standing of each of `people` (already narrowed to what the reader may see) on the assignment."""
    rows = list(people.select_related("home_unit").order_by("home_unit__code", "username"))
    held: dict[int, list[TrainingCompletion]] = defaultdict(list)
    for c in TrainingCompletion.objects.filter(
        course_id=assignment.course_id, user_id__in=[u.pk for u in rows]
    ).order_by("completed_on", "id"):
        held[c.user_id].append(c)
    return [
        standing(assignment, u, u.home_unit.code, held[u.pk], today)  # type: ignore[union-attr]
        for u in rows
    ]
