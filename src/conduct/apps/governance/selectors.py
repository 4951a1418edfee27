"""Scoped reads for governance. Every internal user sees the committees; cases and recommendations are
scoped by org unit, and committee members also see every case referred to their committees."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import can, require, scoped, unit_in_scope, units_q
from conduct.apps.accounts.selectors import liaison_list, orgunit_list
from conduct.apps.errors import NotFound
from conduct.apps.governance.models import (
    Case,
    CaseDecision,
    Committee,
    CommitteeMember,
    Recommendation,
)
from conduct.apps.governance.routing import route


def committee_list(*, actor: User) -> QuerySet[Committee]:
    members = CommitteeMember.objects.select_related("user")
    return scoped(
        Committee.objects.all(), actor, permission="committees.view", global_model=True
    ).prefetch_related(Prefetch("members", queryset=members))


def committee_get(*, actor: User, committee_id: int | str) -> Committee:
    qs = committee_list(actor=actor)
    found = (
        qs.filter(pk=committee_id).first()
        if str(committee_id).isdigit()
        else qs.filter(slug=committee_id).first()
    )
    if found is None:
        raise NotFound(
            _("No committee %(committee_id)s that you can see.") % {"committee_id": repr(committee_id)}
        )
    return found


def member_get(*, actor: User, committee: Committee, member_id: int) -> CommitteeMember:
    member = (
        CommitteeMember.objects.filter(committee=committee, pk=member_id)
        .select_related("user", "committee")
        .first()
    )
    if member is None or not can(actor, "committees.view"):
        raise NotFound(
            _("No member %(member_id)s of %(name)s.") % {"member_id": member_id, "name": committee.name}
        )
    return member


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    queue: str | None = None
    dimension: str | None = None
    q: str | None = None
    awaiting_my_vote: bool = False


def case_list(
    *, actor: User, filters: CaseFilters | None = None, status: str | None = None, queue: str | None = None
) -> QuerySet[Case]:
    """Cases in the actor's units; committee members also see every case referred to their committees, and
    officers the cases that belong to no unit."""
    if not can(actor, "cases.view"):
        return Case.objects.none()
    f = filters or CaseFilters(status=status, queue=queue)
    qs = Case.objects.all()
    if not actor.sees_all_units:
        visible = units_q(actor, "org_unit") | Q(committee__members__user=actor)
        if can(actor, "cases.manage"):
            visible |= Q(org_unit__isnull=True)
        qs = qs.filter(pk__in=Case.objects.filter(visible).values("pk"))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.queue:
        qs = qs.filter(queue=f.queue)
    if f.dimension:
        qs = qs.filter(dimension=f.dimension)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(subject_ref__icontains=f.q))
    if f.awaiting_my_vote:
        qs = qs.filter(
            status__in=(Case.Status.OPEN, Case.Status.UNDER_REVIEW), committee__members__user=actor
        )
        qs = qs.exclude(conflicts__user=actor)
    return qs.select_related("committee", "gate_decision", "org_unit")


def case_get(*, actor: User, case_id: int) -> Case:
    case = case_list(actor=actor).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No case %(case_id)s that you can see.") % {"case_id": case_id})
    return case


def case_decision(*, actor: User, case: Case) -> CaseDecision | None:
    """The decision of the case's current round, if it has one (the case is read through case_get first)."""
    return case.decisions.filter(round=case.round).first()


def case_decisions(*, actor: User, case: Case) -> QuerySet[CaseDecision]:
    return case.decisions.all()


@dataclass(frozen=True)
class RecommendationFilters:
    status: str | None = None
    org_unit: OrgUnit | None = None
    overdue: bool | None = None
    case_id: int | None = None
    mine: bool = False


def recommendation_list(
    *, actor: User, filters: RecommendationFilters | None = None
) -> QuerySet[Recommendation]:
    """Items of the actor's units (with their subtrees) and items assigned to the actor."""
    if not can(actor, "recommendations.view"):
        return Recommendation.objects.none()
    f = filters or RecommendationFilters()
    qs = Recommendation.objects.all()
    if not actor.sees_all_units:
        visible = units_q(actor, "org_unit") | Q(assignees=actor)
        qs = qs.filter(pk__in=Recommendation.objects.filter(visible).values("pk"))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.org_unit is not None:
        qs = qs.filter(org_unit__path__startswith=f.org_unit.path)
    if f.overdue is not None:
        late = Q(status__in=Recommendation.ACTIVE, due_date__lt=timezone.localdate())
        qs = qs.filter(late) if f.overdue else qs.exclude(late)
    if f.case_id is not None:
        qs = qs.filter(case_id=f.case_id)
    if f.mine:
        qs = qs.filter(assignees=actor)
    return qs.select_related("org_unit", "routed_unit", "case").prefetch_related("assignees")


def recommendation_get(*, actor: User, recommendation_id: int) -> Recommendation:
    item = recommendation_list(actor=actor).filter(pk=recommendation_id).first()
    if item is None:
        raise NotFound(
            _("No recommendation %(recommendation_id)s that you can see.")
            % {"recommendation_id": recommendation_id}
        )
    return item


@dataclass
class UnitCoverage:
    unit: OrgUnit
    liaisons: list[User] = field(default_factory=list)
    routed_to: OrgUnit | None = None  # where its items go when it has no liaison of its own
    open: int = 0
    overdue: int = 0
    done: int = 0
    response_hours: list[float] = field(default_factory=list)

    @property
    def has_liaison(self) -> bool:
        return bool(self.liaisons)

    @property
    def median_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 1) if self.response_hours else None


@dataclass
class Network:
    units: list[UnitCoverage]
    median_response_hours: float | None
    without_liaison: list[UnitCoverage]
    open: int
    overdue: int


def liaison_network(*, actor: User, today: date | None = None) -> Network:
    """Per unit the actor can see: its liaisons (or where its items are routed), open and overdue items, and
    the median time from assignment to the liaison's first response."""
    day = today or timezone.localdate()
    units = list(orgunit_list(actor=actor).filter(is_active=True))
    rows = {u.pk: UnitCoverage(unit=u) for u in units}
    all_liaisons: dict[int, list[User]] = {}
    for liaison in liaison_list(actor=actor).filter(user__is_active=True):
        all_liaisons.setdefault(liaison.org_unit_id, []).append(liaison.user)
    for coverage in rows.values():
        coverage.liaisons = all_liaisons.get(coverage.unit.pk, [])
        if not coverage.liaisons:
            coverage.routed_to = route(coverage.unit)[0]
    items = recommendation_list(actor=actor).exclude(status=Recommendation.Status.CANCELLED)
    every_response: list[float] = []
    for item in items.values("org_unit_id", "status", "due_date", "created_at", "first_response_at"):
        row = rows.get(item["org_unit_id"])
        if row is None:
            continue
        if item["status"] in Recommendation.ACTIVE:
            row.open += 1
            if item["due_date"] < day:
                row.overdue += 1
        elif item["status"] == Recommendation.Status.DONE:
            row.done += 1
        if item["first_response_at"]:
            hours = max((item["first_response_at"] - item["created_at"]) / timedelta(hours=1), 0.0)
            row.response_hours.append(hours)
            every_response.append(hours)
    ordered = [rows[u.pk] for u in units]
    return Network(
        units=ordered,
        median_response_hours=round(statistics.median(every_response), 1) if every_response else None,
        without_liaison=[r for r in ordered if not r.has_liaison],
        open=sum(r.open for r in ordered),
        overdue=sum(r.overdue for r in ordered),
    )


# --- what a page or endpoint reads first: 403 for a role without the permission, then 404 / 422 ---------


def case_index(*, actor: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    require(actor, "cases.view")
    return case_list(actor=actor, filters=filters)


def case_for(*, actor: User, case_id: int) -> Case:
    """The case a path names, read before a service acts on it: 403 for a role that may not read cases at all,
    404 for a case the actor cannot see. What the actor may do with it is the service's one check."""
    require(actor, "cases.view")
    return case_get(actor=actor, case_id=case_id)


def case_open_choices(*, actor: User) -> tuple[QuerySet[OrgUnit], QuerySet[Committee]]:
    """The units and committees the form that opens a case offers (403 without `cases.open`)."""
    require(actor, "cases.open")
    return orgunit_list(actor=actor), committee_list(actor=actor)


@dataclass(frozen=True)
class CaseAbilities:
    """What the case page offers the actor (each action's service still makes its own check)."""

    participate: bool  # vote, comment, attach, declare a conflict
    decide: bool  # decide a case of the officers' queue


def case_abilities(*, actor: User) -> CaseAbilities:
    return CaseAbilities(participate=can(actor, "cases.participate"), decide=can(actor, "cases.decide"))


def committee_index(*, actor: User, permission: str = "committees.view") -> QuerySet[Committee]:
    """The committee list (403 for a role without `permission`: `committees.manage` where the list is shown
    again with the form that creates a committee)."""
    require(actor, permission)
    return committee_list(actor=actor)


def committee_for(*, actor: User, committee_id: int | str, permission: str = "committees.view") -> Committee:
    """The committee a path names (403 for a role without `permission`, 404 for an unknown one)."""
    require(actor, permission)
    return committee_get(actor=actor, committee_id=committee_id)


def recommendation_index(
    *, actor: User, filters: RecommendationFilters | None = None
) -> QuerySet[Recommendation]:
    require(actor, "recommendations.view")
    return recommendation_list(actor=actor, filters=filters)


def recommendation_for(
    *, actor: User, recommendation_id: int, permission: str = "recommendations.view"
) -> Recommendation:
    require(actor, permission)
    return recommendation_get(actor=actor, recommendation_id=recommendation_id)


def recommendation_units(*, actor: User) -> QuerySet[OrgUnit]:
    """The units the form that records a recommendation offers (403 without `recommendations.create`)."""
    require(actor, "recommendations.create")
    return orgunit_list(actor=actor)


def recommendation_updatable(*, actor: User, item: Recommendation) -> bool:
    """Whether the page offers the progress form: an assignee, or anyone with the item's unit in scope."""
    return can(actor, "recommendations.update") and (
        item.assignees.filter(pk=actor.pk).exists() or unit_in_scope(actor, item.org_unit)
    )


def liaison_network_for(*, actor: User) -> Network:
    require(actor, "liaisons.view")
    return liaison_network(actor=actor)
