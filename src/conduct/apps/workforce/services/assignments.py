"""Training assignments (a course by role, by org unit, or to new joiners, with due dates) and completions
entered one at a time by a training officer or a liaison (score and certificate file optional)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import PORTAL_ROLES, Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, raise_if
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.apps.workforce import duties
from conduct.apps.workforce.models import (
    AssignmentRule,
    TrainingAssignment,
    TrainingCompletion,
    TrainingCourse,
)
from conduct.apps.workforce.services._common import WorkforceAction, who
from conduct.apps.workforce.services.training import expiry

MAX_DUE_DAYS = 365
_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


def _a_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        errors[field] = _("Required: a date as YYYY-MM-DD.")
        return None
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = _("A date as YYYY-MM-DD.")
        return None


def _check_rule(
    rule: str, roles: list[str], unit: OrgUnit | None, due_date: Any, due_days: int, errors: dict[str, str]
) -> date | None:
    if rule not in AssignmentRule.values:
        errors["rule"] = _("Expected one of %(r)s.") % {"r": ", ".join(AssignmentRule.values)}
    internal = set(Role.values) - set(PORTAL_ROLES)
    if set(roles) - internal:
        errors["roles"] = _("Internal roles only: %(r)s.") % {"r": ", ".join(sorted(internal))}
    elif rule == AssignmentRule.ROLE and not roles:
        errors["roles"] = _("One or more roles: an assignment by role names them.")
    if rule == AssignmentRule.UNIT and unit is None:
        errors["unit"] = _("An org unit: an assignment by unit covers its subtree.")
    if isinstance(due_days, bool) or not isinstance(due_days, int) or not 0 <= due_days <= MAX_DUE_DAYS:
        errors["due_days"] = _("A whole number of days from 0 to %(n)d.") % {"n": MAX_DUE_DAYS}
    elif rule == AssignmentRule.NEW_JOINERS and due_days < 1:
        errors["due_days"] = _("New joiners are due a number of days after joining (1 or more).")
    if rule == AssignmentRule.NEW_JOINERS:
        return None if due_date in (None, "") else _a_date(due_date, "due_date", errors)
    due = _a_date(due_date, "due_date", errors)
    if due is not None and due < timezone.localdate():
        errors["due_date"] = _("Today or later.")
    return due


@transaction.atomic
def assignment_create(
    *,
    actor: Actor,
    course: TrainingCourse,
    rule: str,
    roles: list[str] | None = None,
    unit: OrgUnit | None = None,
    due_date: Any = None,
    due_days: int = 0,
) -> TrainingAssignment:
    """Assign a course; the people it covers now are told (new joiners are told by the reminders)."""
    authorize(actor, "training.manage")
    roles = sorted(set(roles or []))
    errors: dict[str, str] = {}
    due = _check_rule(rule, roles, unit, due_date, due_days, errors)
    if rule == AssignmentRule.NEW_JOINERS and due_date not in (None, ""):
        errors["due_date"] = _("New joiners are due `due_days` after joining; leave the date empty.")
    raise_if(errors, _("The assignment is not valid."))
    assignment = TrainingAssignment.objects.create(
        course=course,
        rule=rule,
        roles=roles,
        unit=unit,
        starts_on=timezone.localdate(),
        due_date=due,
        due_days=due_days,
        created_by=who(actor),
    )
    people = [] if rule == AssignmentRule.NEW_JOINERS else list(duties.audience(assignment))
    if people:
        notify(
            users=people,
            kind="assignment",
            text=message(
                gettext_lazy("Training assigned: %(title)s, due %(due)s."), title=course.title, due=due
            ),
            link="/workforce/training/",
        )
    ledger_append(
        actor=actor,
        action=WorkforceAction.TRAINING_ASSIGN,
        object_type="training_assignment",
        object_id=assignment.pk,
        summary={
            "course": course.code,
            "rule": rule,
            "roles": roles,
            "unit": unit.code if unit else None,
            "due_date": due,
            "due_days": due_days,
            "people_now": len(people),
        },
    )
    return assignment


def _certificate(content: bytes | None, errors: dict[str, str]) -> str | None:
    """The extension of an acceptable certificate file (PDF, PNG or JPEG within the size limit)."""
    if content is None:
        return None
    limit = int(settings.WORKFORCE["TRAINING_FILE_MAX_BYTES"])
    if not content:
        errors["certificate"] = _("The file is empty.")
    elif len(content) > limit:
        errors["certificate"] = _("At most %(limit)d bytes; this one is %(n)d bytes.") % {
            "limit": limit,
            "n": len(content),
        }
    else:
        for magic, extension in _MAGIC:
            if content.startswith(magic):
                return extension
        errors["certificate"] = _("Upload a PDF, PNG or JPEG file.")
    return None


def _check_completion(
    user: User, completed_on: Any, score: Any, content: bytes | None, errors: dict[str, str]
) -> tuple[date | None, str | None]:
    if user.is_portal or not user.is_active or user.home_unit_id is None:
        errors["user"] = _("An active internal user at home in an org unit.")
    done = _a_date(completed_on, "completed_on", errors)
    if done is not None and done > timezone.localdate():
        errors["completed_on"] = _("In the future: record a completion once it has happened.")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100):
        errors["score"] = _("A whole number from 0 to 100, or empty.")
    return done, _certificate(content, errors)


@transaction.atomic
def completion_record(
    *,
    actor: Actor,
    course: TrainingCourse,
    user: User,
    completed_on: Any,
    score: int | None = None,
    certificate: bytes | None = None,
    filename: str = "",
) -> TrainingCompletion:
    """One person's completion of a course on a date. Liaisons record it for people at home in their
    units; the certificate file is stored where corrective-action evidence is (MEDIA_ROOT)."""
    if user.home_unit_id is not None:
        authorize(actor, "training.record", unit=user.home_unit)
    else:
        authorize(actor, "training.record")
    errors: dict[str, str] = {}
    done, extension = _check_completion(user, completed_on, score, certificate, errors)
    raise_if(errors, _("The completion is not valid."))
    if TrainingCompletion.objects.filter(course=course, user=user, completed_on=done).exists():
        raise Conflict(
            _("This completion is already recorded."), fields={"completed_on": _("Already recorded.")}
        )
    row = TrainingCompletion(
        course=course,
        user=user,
        completed_on=done,
        expires_on=expiry(course, done),  # type: ignore[arg-type]
        source="entered",
        recorded_by=who(actor),
        score=score,
    )
    digest = ""
    if certificate is not None and extension is not None:
        digest = hashlib.sha256(certificate).hexdigest()
        row.certificate.save(
            f"{course.code}-u{user.pk}-{digest[:12]}.{extension}", ContentFile(certificate), save=False
        )
        row.certificate_name = (filename or f"certificate.{extension}").rsplit("/", 1)[-1][:200]
        row.certificate_sha256 = digest
    row.save()
    ledger_append(
        actor=actor,
        action=WorkforceAction.TRAINING_RECORD,
        object_type="training_completion",
        object_id=row.pk,
        summary={
            "course": course.code,
            "user": user.username,
            "completed_on": done,
            "score": score,
            "certificate_sha256": digest or None,
        },
    )
    return row
