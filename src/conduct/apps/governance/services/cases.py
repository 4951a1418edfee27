"""Writes for cases: opening (for a gate review, an alert, an incident, or by hand) and status changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import LedgerItem, actor_label, ledger_append, ledger_append_many
from conduct.apps.errors import Conflict, Forbidden, Invalid, raise_if
from conduct.apps.governance.actions import GovernanceAction
from conduct.apps.governance.models import (
    OFFICERS_QUEUE,
    Case,
    Dimension,
)
from conduct.apps.governance.services._common import (
    case_link,
    clean_rights,
    clean_text,
    conflicted_user_ids,
    manages,
    officers_for,
    require_participant,
    voting_seats,
)
from conduct.apps.governance.services.audience import (
    CaseAudience,
    CaseSpec,
    case_audience,
    committee_for_queue,
)
from conduct.apps.notifications.messages import Message, message
from conduct.apps.notifications.models import Notification
from conduct.apps.notifications.services import Notice, notify, notify_many

_UNSET: Any = object()


@transaction.atomic(savepoint=False)
def case_open(
    *,
    actor: Actor,
    title: str,
    dimension: str,
    queue: str,
    source: str = str(Case.Source.MANUAL),
    description: str = "",
    gate_decision: Any = None,
    org_unit: OrgUnit | None = None,
    due_days: int | None = 14,
    rights: list[str] | None = None,
    subject_type: str = "",
    subject_ref: str = "",
) -> Case:
    """Open a case for a committee (queue = its slug) or the officers' queue. No permission check: gates and
    other services call it for their own reviews; people open cases through `case_create`."""
    spec = CaseSpec(
        title=title,
        dimension=dimension,
        queue=queue,
        source=source,
        description=description,
        gate_decision=gate_decision,
        org_unit=org_unit,
        due_days=due_days,
        rights=rights,
        subject_type=subject_type,
        subject_ref=subject_ref,
    )
    return case_open_many(actor=actor, specs=[spec])[0]


@transaction.atomic(savepoint=False)
def case_open_many(
    *,
    actor: Actor,
    specs: Sequence[CaseSpec],
    ledger_first: Sequence[LedgerItem] = (),
    audience: CaseAudience | None = None,
) -> list[Case]:
    """Open several cases at once (a gate decision referred to more than one body): every spec is checked
    before anything is written, then the cases, their ledger entries and their notifications are written
    in a few statements. `ledger_first` are the caller's own entries for the change that opens the cases
    (the gate decision): they go on the chain just ahead of the cases' entries, in the same append.
    `audience` is `case_audience` read beforehand; without it (or when it does not cover every spec) it is
    read here. No permission check, as for `case_open`."""
    _check_specs(specs)
    if audience is None or not audience.covers(specs):
        audience = case_audience(queues=[s.queue for s in specs], units=[s.org_unit for s in specs])
    now = timezone.now()
    label = actor_label(actor)
    cases = _distinct_titles([_new_case(spec, audience, label, now) for spec in specs])
    Case.objects.bulk_create(cases)
    ledger_append_many(
        actor=actor,
        items=[*ledger_first, *(_opened(case, spec) for case, spec in zip(cases, specs, strict=True))],
    )
    _announce_new(cases, audience)
    return cases


def _distinct_titles(cases: list[Case]) -> list[Case]:
    """Cases opened together under one title (a gate review referred to the officers and a committee) are told
    apart by the queue each went to."""
    repeated = {c.title for c in cases if sum(other.title == c.title for other in cases) > 1}
    for case in cases:
        if case.title in repeated:
            queue = case.committee.name if case.committee is not None else "compliance officers"
            case.title = f"{case.title[: 296 - len(queue)]} ({queue})"
    return cases


def _check_specs(specs: Sequence[CaseSpec]) -> None:
    """Refuse the whole batch, naming each bad field, before anything is written."""
    errors: dict[str, str] = {}
    for spec in specs:
        if spec.dimension not in Dimension.values:
            errors["dimension"] = _("Expected one of %(values)s.") % {"values": ", ".join(Dimension.values)}
        if spec.source not in Case.Source.values:
            errors["source"] = _("Expected one of %(values)s.") % {"values": ", ".join(Case.Source.values)}
        if spec.subject_type and spec.subject_type not in Case.SubjectType.values:
            errors["subject_type"] = _("Expected one of %(values)s.") % {
                "values": ", ".join(Case.SubjectType.values)
            }
        clean_text(spec.title, "title", errors, limit=300)
        clean_rights(spec.rights, errors)
    raise_if(errors, _("The case is not valid."))


def _new_case(spec: CaseSpec, audience: CaseAudience, opened_by: str, now: datetime) -> Case:
    """The unsaved case a spec opens, on its committee's queue or (no such committee) the officers'."""
    description, queue = spec.description, spec.queue
    committee = audience.committees.get(queue) if queue != OFFICERS_QUEUE else None
    if committee is None and queue != OFFICERS_QUEUE:
        # A referral to a committee this installation does not have must not fall into a queue nobody reads.
        description = f"{description}\n\n(Referred to {queue!r}, which is not a committee here.)".strip()
        queue = OFFICERS_QUEUE
    subject_type, subject_ref = spec.subject_type, spec.subject_ref
    if spec.gate_decision is not None and not subject_type:
        subject_type = str(Case.SubjectType.GATE_DECISION)
        subject_ref = spec.gate_decision.reference or f"decision {spec.gate_decision.pk}"
    return Case(
        title=spec.title.strip(),
        description=description,
        dimension=spec.dimension,
        rights=list(dict.fromkeys(spec.rights or [])),
        committee=committee,
        queue=committee.slug if committee else queue,
        source=spec.source,
        subject_type=subject_type,
        subject_ref=subject_ref[:200],
        gate_decision=spec.gate_decision,
        org_unit=spec.org_unit,
        opened_by=opened_by,
        due_at=now + timedelta(days=spec.due_days) if spec.due_days else None,
    )


def _opened(case: Case, spec: CaseSpec) -> LedgerItem:
    return LedgerItem(
        GovernanceAction.CASE_OPEN,
        "case",
        case.pk,
        {
            "title": case.title,
            "queue": case.queue,
            "source": case.source,
            "dimension": case.dimension,
            "gate_decision": getattr(spec.gate_decision, "pk", None),
            "rights": case.rights,
        },
        row=case,  # the state hash from the case just created: no read-back
    )


def _announce(case: Case) -> None:
    """Tell the voters who must act on a reopened case (those who declared a conflict are left out)."""
    if case.committee_id is not None:
        conflicted = conflicted_user_ids(case)
        voters = [m.user for m in voting_seats(case) if m.user_id not in conflicted]
        notify(
            users=voters,
            kind=str(Notification.Kind.VOTE_NEEDED),
            text=message(
                gettext_lazy("Case %(id)s was reopened (round %(round)s) and needs your vote: %(title)s"),
                id=case.pk,
                round=case.round,
                title=case.title,
            ),
            link=case_link(case),
        )
    else:
        notify(
            users=officers_for(case.org_unit),
            kind=str(Notification.Kind.ASSIGNMENT),
            text=_queued(case),
            link=case_link(case),
        )


def _queued(case: Case) -> Message:
    text = gettext_lazy("Case %(id)s is in the compliance officers' queue: %(title)s")
    return message(text, id=case.pk, title=case.title)


def _announce_new(cases: Sequence[Case], audience: CaseAudience) -> None:
    """Tell whoever must act on newly opened cases: the committee's voters (a new case has no conflict
    declarations yet) or the compliance officers covering its org unit."""
    notify_many(
        notices=[
            Notice(
                audience.voters.get(case.committee_id, []),
                str(Notification.Kind.VOTE_NEEDED),
                message(gettext_lazy("Case %(id)s needs your vote: %(title)s"), id=case.pk, title=case.title),
                case_link(case),
            )
            if case.committee_id is not None
            else Notice(
                audience.officers[case.org_unit_id],
                str(Notification.Kind.ASSIGNMENT),
                _queued(case),
                case_link(case),
            )
            for case in cases
        ]
    )


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    title: str,
    dimension: str,
    queue: str,
    description: str = "",
    org_unit: OrgUnit | None = None,
    gate_decision: Any = None,
    rights: list[str] | None = None,
    due_days: int = 14,
    subject_type: str = "",
    subject_ref: str = "",
    source: str = str(Case.Source.MANUAL),
) -> Case:
    """Open a case by hand (officers and administrators)."""
    authorize(actor, "cases.open", unit=org_unit)
    errors: dict[str, str] = {}
    if queue != OFFICERS_QUEUE and committee_for_queue(queue) is None:
        errors["queue"] = _("Expected %(officers_queue)s or a committee slug.") % {
            "officers_queue": OFFICERS_QUEUE
        }
    if not 1 <= due_days <= 365:
        errors["due_days"] = _("Between 1 and 365 days.")
    if source not in (Case.Source.MANUAL, Case.Source.SCREENING, Case.Source.GRIEVANCE):
        errors["source"] = _(
            "Gate reviews open their own cases; expected manual, screening_alert or grievance."
        )
    clean_text(description, "description", errors, required=False)
    raise_if(errors, _("The case is not valid."))
    return case_open(
        actor=actor,
        title=title,
        dimension=dimension,
        queue=queue,
        source=source,
        description=description.strip(),
        gate_decision=gate_decision,
        org_unit=org_unit or getattr(gate_decision, "org_unit", None),
        due_days=due_days,
        rights=rights,
        subject_type=subject_type,
        subject_ref=subject_ref,
    )


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    description: str | None = None,
    rights: list[str] | None = None,
    due_at: Any = _UNSET,
) -> Case:
    """Set what a case is about (description, rights at stake) and its deadline."""
    require_participant(actor, case)
    if not manages(actor, case):
        raise Forbidden(_("Only compliance officers and the committee's chair or secretary edit a case."))
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if description is not None:
        changes["description"] = clean_text(description, "description", errors, required=False)
    if rights is not None:
        changes["rights"] = clean_rights(rights, errors)
    if due_at is not _UNSET:
        if due_at is not None and (not isinstance(due_at, datetime) or timezone.is_naive(due_at)):
            errors["due_at"] = _("Expected a date and time with a time zone.")
        changes["due_at"] = due_at
        changes["reminded_at"] = None
    raise_if(errors, _("The case is not valid."))
    for field, value in changes.items():
        setattr(case, field, value)
    if changes:
        case.save(update_fields=list(changes))
        ledger_append(
            actor=actor,
            action=GovernanceAction.CASE_UPDATE,
            object_type="case",
            object_id=case.pk,
            summary={k: v for k, v in changes.items() if k != "reminded_at"},
        )
    return case


# status -> statuses it may move to by hand ("decided" is reached only by a decision)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    str(Case.Status.OPEN): (str(Case.Status.UNDER_REVIEW), str(Case.Status.CLOSED)),
    str(Case.Status.UNDER_REVIEW): (str(Case.Status.OPEN), str(Case.Status.CLOSED)),
    str(Case.Status.DECIDED): (str(Case.Status.CLOSED), str(Case.Status.OPEN)),
    str(Case.Status.CLOSED): (str(Case.Status.OPEN),),
}


@transaction.atomic
def case_transition(*, actor: User, case: Case, status: str, reason: str = "") -> Case:
    """Move a case: open -> under review -> (decided) -> closed; reopening starts a new round of votes."""
    require_participant(actor, case)
    if not manages(actor, case):
        raise Forbidden(
            _("Only compliance officers and the committee's chair or secretary change a case's status.")
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if status not in Case.Status.values:
        raise Invalid(
            _("Unknown status."),
            fields={"status": _("Expected one of %(values)s.") % {"values": ", ".join(Case.Status.values)}},
        )
    if status not in TRANSITIONS[locked.status]:
        allowed = ", ".join(TRANSITIONS[locked.status])
        raise Conflict(
            _("A %(lower)s case can move to %(allowed)s, not %(status)s.")
            % {"lower": locked.get_status_display().lower(), "allowed": allowed, "status": status},
            fields={"status": _("Expected one of %(allowed)s.") % {"allowed": allowed}},
        )
    reopening = status == Case.Status.OPEN and locked.status in (Case.Status.DECIDED, Case.Status.CLOSED)
    withdrawing = status == Case.Status.CLOSED and locked.status != Case.Status.DECIDED
    errors: dict[str, str] = {}
    reason = clean_text(reason, "reason", errors, required=reopening or withdrawing, limit=2000)
    raise_if(errors, _("Say why.") if reopening or withdrawing else _("The change is not valid."))
    previous = locked.status
    locked.status = status
    fields = ["status"]
    if reopening:
        locked.round += 1
        locked.decided_at = locked.closed_at = locked.reminded_at = None
        fields += ["round", "decided_at", "closed_at", "reminded_at"]
    elif status == Case.Status.CLOSED:
        locked.closed_at = timezone.now()
        fields.append("closed_at")
    locked.save(update_fields=fields)
    ledger_append(
        actor=actor,
        action=GovernanceAction.CASE_REOPEN if reopening else GovernanceAction.CASE_STATUS,
        object_type="case",
        object_id=locked.pk,
        summary={"from": previous, "to": status, "reason": reason, "round": locked.round},
    )
    if reopening:
        _announce(locked)
    return locked


@transaction.atomic(savepoint=False)
def case_reopen_flagged(*, actor: Actor, case: Case, reason: str) -> Case:
    """Reopen a decided or closed case because the decision it settled was flagged (a gates re-check found
    the current data would deny it): a new round of votes, ledgered as `case.reopen`. An open case is left
    as it is. No permission check: the re-check that emits GateDecisionFlagged is a system job."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in (Case.Status.DECIDED, Case.Status.CLOSED):
        return locked
    previous = locked.status
    locked.status = Case.Status.OPEN
    locked.round += 1
    locked.decided_at = locked.closed_at = locked.reminded_at = None
    locked.save(update_fields=["status", "round", "decided_at", "closed_at", "reminded_at"])
    ledger_append(
        actor=actor,
        action=GovernanceAction.CASE_REOPEN,
        object_type="case",
        object_id=locked.pk,
        summary={
            "from": previous,
            "to": str(Case.Status.OPEN),
            "reason": reason[:2000],
            "round": locked.round,
        },
    )
    _announce(locked)
    return locked
