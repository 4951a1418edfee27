"""Recommendations and tasks: created from decisions or by an officer, routed to liaisons, worked to done,
reminded before they fall due and escalated to the compliance officers when they are overdue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import SCHEDULER, Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize, can, unit_in_scope
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Forbidden, Invalid, raise_if
from conduct.apps.governance.actions import GovernanceAction
from conduct.apps.governance.models import Case, CaseDecision, Recommendation
from conduct.apps.governance.routing import route
from conduct.apps.governance.services._common import (
    case_link,
    clean_text,
    conflicted_user_ids,
    officers_for,
    recommendation_link,
    voting_seats,
)
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import notify

_UNSET: Any = object()
REMIND_DAYS_BEFORE = 3


def recommendation_record(
    *,
    actor: Actor,
    title: str,
    org_unit: OrgUnit,
    due_date: date,
    description: str = "",
    kind: str = str(Recommendation.Kind.RECOMMENDATION),
    source: str = str(Recommendation.Source.OFFICER),
    case: Case | None = None,
    decision: CaseDecision | None = None,
) -> Recommendation:
    """Create and route one item. No permission check here: callers (a decision, an officer) hold it."""
    errors: dict[str, str] = {}
    title = clean_text(title, "title", errors, limit=300)
    description = clean_text(description, "description", errors, required=False)
    if kind not in Recommendation.Kind.values:
        errors["kind"] = _("Expected one of %(values)s.") % {"values": ", ".join(Recommendation.Kind.values)}
    if source not in Recommendation.Source.values:
        errors["source"] = _("Expected one of %(values)s.") % {
            "values": ", ".join(Recommendation.Source.values)
        }
    raise_if(errors, _("The recommendation is not valid."))
    routed_unit, liaisons = route(org_unit)
    item = Recommendation.objects.create(
        title=title,
        description=description,
        kind=kind,
        source=source,
        case=case,
        decision=decision,
        org_unit=org_unit,
        routed_unit=routed_unit,
        due_date=due_date,
        created_by=actor_label(actor),
    )
    item.assignees.set(liaisons)
    ledger_append(
        actor=actor,
        action=GovernanceAction.RECOMMENDATION_CREATE,
        object_type="recommendation",
        object_id=item.pk,
        summary={
            "title": title,
            "kind": kind,
            "source": source,
            "org_unit": org_unit.code,
            "routed_to": routed_unit.code if routed_unit else None,
            "assignees": [u.username for u in liaisons],
            "due_date": due_date,
            "case": case.pk if case else None,
            "decision": decision.pk if decision else None,
        },
    )
    _announce_new(item, org_unit, routed_unit, liaisons)
    return item


# A recommendation's kind as a word inside a sentence ("New task for ..."), translated when it is read.
_KIND_WORDS = {
    "condition": gettext_lazy("condition of a decision"),
    "recommendation": gettext_lazy("recommendation"),
    "task": gettext_lazy("task"),
}


def _announce_new(
    item: Recommendation, org_unit: OrgUnit, routed_unit: OrgUnit | None, liaisons: list[User]
) -> None:
    """Tell the liaisons an item was routed to, or the officers that nobody could be."""
    link = recommendation_link(item.pk)
    if liaisons:
        values = {
            "kind": _KIND_WORDS.get(item.kind, item.kind),
            "unit": org_unit.name,
            "due": item.due_date,
            "title": item.title,
        }
        text = (
            message(gettext_lazy("New %(kind)s for %(unit)s, due %(due)s: %(title)s"), **values)
            if routed_unit == org_unit
            else message(
                gettext_lazy(
                    "New %(kind)s for %(unit)s (routed from %(unit)s, which has no liaison), "
                    "due %(due)s: %(title)s"
                ),
                **values,
            )
        )
        notify(users=liaisons, kind=str(Notification.Kind.ASSIGNMENT), text=text, link=link)
    else:
        notify(
            users=officers_for(org_unit),
            kind=str(Notification.Kind.ASSIGNMENT),
            text=message(
                gettext_lazy("No liaison in %(unit)s or above it to route this to, due %(due)s: %(title)s"),
                unit=org_unit.name,
                due=item.due_date,
                title=item.title,
            ),
            link=link,
        )


@transaction.atomic
def recommendation_create(
    *,
    actor: User,
    title: str,
    org_unit: OrgUnit,
    due_date: date,
    description: str = "",
    kind: str = str(Recommendation.Kind.RECOMMENDATION),
    source: str = str(Recommendation.Source.OFFICER),
    case: Case | None = None,
) -> Recommendation:
    """An officer records a recommendation (from an audit, an advisory opinion, a review) or a task."""
    authorize(actor, "recommendations.create", unit=org_unit)
    if due_date < timezone.localdate():
        raise Invalid(_("The due date has passed."), fields={"due_date": _("Must be today or later.")})
    return recommendation_record(
        actor=actor,
        title=title,
        org_unit=org_unit,
        due_date=due_date,
        description=description,
        kind=kind,
        source=source,
        case=case,
    )


# status -> where a liaison may move it; officers may also cancel and reopen
LIAISON_MOVES: dict[str, tuple[str, ...]] = {
    str(Recommendation.Status.OPEN): (
        str(Recommendation.Status.IN_PROGRESS),
        str(Recommendation.Status.DONE),
    ),
    str(Recommendation.Status.IN_PROGRESS): (str(Recommendation.Status.DONE),),
}
OFFICER_MOVES: dict[str, tuple[str, ...]] = {
    str(Recommendation.Status.OPEN): (str(Recommendation.Status.CANCELLED),),
    str(Recommendation.Status.IN_PROGRESS): (
        str(Recommendation.Status.CANCELLED),
        str(Recommendation.Status.OPEN),
    ),
    str(Recommendation.Status.DONE): (str(Recommendation.Status.IN_PROGRESS),),
    str(Recommendation.Status.CANCELLED): (str(Recommendation.Status.OPEN),),
}


@transaction.atomic
def recommendation_update(
    *,
    actor: User,
    recommendation: Recommendation,
    status: str | None = None,
    evidence: str | None = None,
    due_date: Any = _UNSET,
) -> Recommendation:
    """Work an item: record progress and the evidence that it is done. Done needs evidence."""
    authorize(actor, "recommendations.update")
    item = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .get(pk=recommendation.pk)
    )
    assigned = item.assignees.filter(pk=actor.pk).exists()
    if not assigned and not unit_in_scope(actor, item.org_unit):
        raise Forbidden(
            _("%(name)s is outside the org units you are scoped to.") % {"name": item.org_unit.name},
            code="out_of_scope",
        )
    officer = can(actor, "recommendations.create")
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if evidence is not None:
        text = clean_text(evidence, "evidence", errors, required=False)
        if text != item.evidence:
            changes["evidence"] = text
    if due_date is not _UNSET and due_date != item.due_date:
        if not officer:
            errors["due_date"] = _("Only a compliance officer moves a due date.")
        elif not isinstance(due_date, date):
            errors["due_date"] = _("Expected a date.")
        else:
            changes["due_date"] = due_date
            changes["escalated_at"] = changes["reminded_at"] = None
    if status is not None and status != item.status:
        _check_move(item, status, officer, changes, errors)
    raise_if(errors, _("The update is not valid."))
    if not changes:
        return item
    now = timezone.now()
    if "status" in changes:
        changes["completed_at"] = now if changes["status"] == Recommendation.Status.DONE else None
    if item.first_response_at is None and not officer:
        changes["first_response_at"] = now
    for field, value in changes.items():
        setattr(item, field, value)
    item.save(update_fields=list(changes))
    ledger_append(
        actor=actor,
        action=GovernanceAction.RECOMMENDATION_UPDATE,
        object_type="recommendation",
        object_id=item.pk,
        summary={k: v for k, v in changes.items() if k not in ("first_response_at", "reminded_at")},
    )
    return item


def _check_move(
    item: Recommendation, status: str, officer: bool, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    """Whether the actor may move the item to `status` (into `changes`), or why not (into `errors`)."""
    moves = LIAISON_MOVES.get(item.status, ()) + (OFFICER_MOVES.get(item.status, ()) if officer else ())
    if status not in Recommendation.Status.values:
        errors["status"] = _("Expected one of %(values)s.") % {
            "values": ", ".join(Recommendation.Status.values)
        }
    elif status not in moves:
        errors["status"] = (
            _("From %(status)s you may move it to %(moves)s.")
            % {"status": item.status, "moves": ", ".join(moves)}
            if moves
            else _("A %(lower)s item is not changed by you.") % {"lower": item.get_status_display().lower()}
        )
    else:
        changes["status"] = status
        if status == Recommendation.Status.DONE and not changes.get("evidence", item.evidence):
            errors["evidence"] = _("Say what shows it is done (a document, a link, a reference).")


@transaction.atomic
def recommendation_escalate_overdue(
    *, actor: Actor = SCHEDULER, today: date | None = None
) -> list[Recommendation]:
    """Escalate every overdue item not yet escalated: tell the compliance officers (and the assignees), and
    mark it escalated. Running it again the same day, or the next, escalates nothing twice."""
    authorize(actor, "recommendations.escalate")
    day = today or timezone.localdate()
    overdue = list(
        Recommendation.objects.select_for_update(of=("self",))
        .filter(status__in=Recommendation.ACTIVE, due_date__lt=day, escalated_at__isnull=True)
        .select_related("org_unit", "case")
        .prefetch_related("assignees")
    )
    now = timezone.now()
    for item in overdue:
        item.escalated_at = now
        item.save(update_fields=["escalated_at"])
        officers = officers_for(item.org_unit)
        days = (day - item.due_date).days
        ledger_append(
            actor=actor,
            action=GovernanceAction.RECOMMENDATION_ESCALATE,
            object_type="recommendation",
            object_id=item.pk,
            summary={
                "due_date": item.due_date,
                "days_overdue": days,
                "org_unit": item.org_unit.code,
                "officers": [o.username for o in officers],
            },
        )
        text = message(
            gettext_lazy("Overdue by %(days)s day in %(unit)s: %(title)s")
            if days == 1
            else gettext_lazy("Overdue by %(days)s days in %(unit)s: %(title)s"),
            days=days,
            unit=item.org_unit.name,
            title=item.title,
        )
        notify(
            users=[*officers, *item.assignees.all()],
            kind=str(Notification.Kind.OVERDUE),
            text=text,
            link=recommendation_link(item.pk),
        )
    return overdue


@transaction.atomic
def deadline_reminders_send(
    *, actor: Actor = SCHEDULER, today: date | None = None, within_days: int = REMIND_DAYS_BEFORE
) -> int:
    """Remind once, a few days ahead: assignees of items falling due, and members yet to vote on cases falling
    due."""
    day = today or timezone.localdate()
    horizon = day + timedelta(days=within_days)
    now = timezone.now()
    return _remind_items(actor, day, horizon, now) + _remind_cases(actor, day, horizon, now)


def _remind_items(actor: Actor, day: date, horizon: date, now: datetime) -> int:
    items = (
        Recommendation.objects.select_for_update(of=("self",))
        .filter(
            status__in=Recommendation.ACTIVE,
            due_date__gte=day,
            due_date__lte=horizon,
            reminded_at__isnull=True,
        )
        .select_related("org_unit")
        .prefetch_related("assignees")
    )
    sent = 0
    for item in items:
        item.reminded_at = now
        item.save(update_fields=["reminded_at"])
        notify(
            users=list(item.assignees.all()) or officers_for(item.org_unit),
            kind=str(Notification.Kind.DEADLINE),
            text=message(gettext_lazy("Due %(due)s: %(title)s"), due=item.due_date, title=item.title),
            link=recommendation_link(item.pk),
        )
        ledger_append(
            actor=actor,
            action=GovernanceAction.RECOMMENDATION_REMIND,
            object_type="recommendation",
            object_id=item.pk,
            summary={"due_date": item.due_date},
        )
        sent += 1
    return sent


def _remind_cases(actor: Actor, day: date, horizon: date, now: datetime) -> int:
    end = timezone.make_aware(datetime.combine(horizon + timedelta(days=1), time.min))
    cases = (
        Case.objects.select_for_update(of=("self",))
        .filter(
            status__in=(Case.Status.OPEN, Case.Status.UNDER_REVIEW),
            due_at__isnull=False,
            due_at__lt=end,
            reminded_at__isnull=True,
        )
        .select_related("committee", "org_unit")
    )
    sent = 0
    for case in cases:
        case.reminded_at = now
        case.save(update_fields=["reminded_at"])
        if case.committee_id is not None:
            voted = set(case.votes.filter(round=case.round).values_list("voter_id", flat=True))
            skip = voted | conflicted_user_ids(case)
            users = [m.user for m in voting_seats(case, day) if m.user_id not in skip]
        else:
            users = officers_for(case.org_unit)
        notify(
            users=users,
            kind=str(Notification.Kind.DEADLINE),
            text=message(
                gettext_lazy("Case %(id)s is due %(due)s: %(title)s"),
                id=case.pk,
                due=timezone.localtime(case.due_at).date(),  # type: ignore[arg-type]
                title=case.title,
            ),
            link=case_link(case),
        )
        ledger_append(
            actor=actor,
            action=GovernanceAction.CASE_REMIND,
            object_type="case",
            object_id=case.pk,
            summary={"due_at": case.due_at, "reminded": [u.username for u in users]},
        )
        sent += 1
    return sent
