"""Training: courses and completions, entered or imported from a learning system's CSV export
(`conduct training import FILE`: course,username,completed_on; all or nothing, errors by row and column).
A completion is valid for the course's `validity_months` (0: for good); refresh by completing again."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, raise_if
from conduct.apps.workforce.models import TrainingCompletion, TrainingCourse
from conduct.apps.workforce.services._common import WorkforceAction, who

IMPORT_COLUMNS = ("course", "username", "completed_on")
MAX_ROWS = 100_000
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def expiry(course: TrainingCourse, completed: date) -> date | None:
    if not course.validity_months:
        return None
    return completed + timedelta(days=round(course.validity_months * 365.25 / 12))


@transaction.atomic
def course_create(
    *, actor: Actor, code: str, title: str, roles: list[str], validity_months: int = 0
) -> TrainingCourse:
    authorize(actor, "training.manage")
    errors: dict[str, str] = {}
    code = (code or "").strip().lower()
    if not CODE.match(code):
        errors["code"] = _("1-64 lower-case letters, digits and dashes.")
    if not (title or "").strip() or len(title) > 200 or "\x00" in title:
        errors["title"] = _("A title of 1-200 characters.")
    if not roles or set(roles) - set(Role.values):
        errors["roles"] = _("One or more roles: %(r)s.") % {"r": ", ".join(Role.values)}
    if not 0 <= validity_months <= 120:
        errors["validity_months"] = _("0 (no expiry) to 120 months.")
    raise_if(errors, _("The course is not valid."))
    if TrainingCourse.objects.filter(code=code).exists():
        raise Conflict(_("A course %(code)s exists.") % {"code": code}, fields={"code": _("Taken.")})
    course = TrainingCourse.objects.create(
        code=code, title=title.strip(), roles=sorted(set(roles)), validity_months=validity_months
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.TRAINING_IMPORT,
        object_type="training_course",
        object_id=course.pk,
        summary={"code": code, "roles": course.roles, "validity_months": validity_months},
    )
    return course


def _read(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        if tuple(c.strip() for c in (reader.fieldnames or ())) != IMPORT_COLUMNS:
            raise_if(
                {"header": _("Expected the columns %(c)s.") % {"c": ",".join(IMPORT_COLUMNS)}}, _("Bad file.")
            )
        rows = list(reader)
    except csv.Error as exc:
        raise_if({f"row {reader.line_num}": _("Not readable as CSV: %(why)s") % {"why": exc}}, _("Bad file."))
        raise
    if not rows or len(rows) > MAX_ROWS:
        raise_if({"file": _("1 to %(n)d rows.") % {"n": MAX_ROWS}}, _("Bad file."))
    return rows


@transaction.atomic
def _parse_row(
    n: int,
    row: dict[str, Any],
    courses: dict[str, TrainingCourse],
    users: dict[str, User],
    today: date,
    errors: dict[str, str],
) -> tuple[TrainingCourse, User, date] | None:
    """The course, person and date of row `n`, or None with its problems added to `errors`."""
    if None in row or any(row.get(c) is None for c in IMPORT_COLUMNS) or "\x00" in "".join(row.values()):
        errors[f"row {n}"] = _("Expected %(n)d columns, no NUL bytes.") % {"n": len(IMPORT_COLUMNS)}
        return None
    course = courses.get(row["course"].strip())
    user = users.get(row["username"].strip())
    if course is None:
        errors[f"row {n}.course"] = _("No course %(c)r.") % {"c": row["course"]}
    if user is None or user.is_portal:
        errors[f"row {n}.username"] = _("No active internal user %(u)r.") % {"u": row["username"]}
    try:
        done = date.fromisoformat(row["completed_on"].strip())
        if done > today:
            errors[f"row {n}.completed_on"] = _("In the future.")
    except ValueError:
        errors[f"row {n}.completed_on"] = _("A date as YYYY-MM-DD.")
        return None
    if course is None or user is None or f"row {n}.completed_on" in errors:
        return None
    return course, user, done


def training_import(*, actor: Actor, text: str) -> list[TrainingCompletion]:
    """Record every completion of the file, or none: each problem is named `row N.column` (row 1: header)."""
    authorize(actor, "training.manage")
    rows = _read(text)
    courses = {c.code: c for c in TrainingCourse.objects.all()}
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in={(r.get("username") or "").strip() for r in rows}, is_active=True
        )
    }
    errors: dict[str, str] = {}
    made: list[TrainingCompletion] = []
    seen: set[tuple[int, int, date]] = set()
    today = timezone.localdate()
    for n, row in enumerate(rows, start=2):
        parsed = _parse_row(n, row, courses, users, today, errors)
        if parsed is None:
            continue
        course, user, done = parsed
        key = (course.pk, user.pk, done)
        if (
            key in seen
            or TrainingCompletion.objects.filter(course=course, user=user, completed_on=done).exists()
        ):
            errors[f"row {n}.completed_on"] = _("This completion is already recorded.")
            continue
        seen.add(key)
        made.append(
            TrainingCompletion(
                course=course,
                user=user,
                completed_on=done,
                expires_on=expiry(course, done),
                recorded_by=who(actor),
            )
        )
    raise_if(errors, _("The training file has errors; nothing was imported."))
    TrainingCompletion.objects.bulk_create(made, batch_size=2000)
    ledger_append(
        actor=actor,
        action=WorkforceAction.TRAINING_IMPORT,
        object_type="training_completion",
        object_id="import",
        summary={"rows": len(made), "courses": sorted({c.course.code for c in made})},
    )
    return made
