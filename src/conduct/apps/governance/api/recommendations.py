"""Recommendations and tasks, and the liaison network: /api/v1/recommendations, /api/v1/liaison-network."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import Page, actor_of
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.governance import selectors, services
from conduct.apps.governance.api._shared import RecStatus, unit_ref
from conduct.apps.governance.models import Recommendation

router = Router(tags=["governance"])


# --- recommendations ----------------------------------------------------------------------------


class RecommendationOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    source: str
    status: str
    org_unit: str
    routed_unit: str | None
    assignees: list[str]
    due_date: date
    overdue: bool
    escalated_at: datetime | None
    case: int | None
    decision: int | None
    evidence: str
    created_at: datetime
    created_by: str
    first_response_at: datetime | None
    completed_at: datetime | None

    @staticmethod
    def resolve_org_unit(obj: Recommendation) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_routed_unit(obj: Recommendation) -> str | None:
        return obj.routed_unit.code if obj.routed_unit else None

    @staticmethod
    def resolve_assignees(obj: Recommendation) -> list[str]:
        return [u.username for u in obj.assignees.all()]

    @staticmethod
    def resolve_case(obj: Recommendation) -> int | None:
        return obj.case_id

    @staticmethod
    def resolve_decision(obj: Recommendation) -> int | None:
        return obj.decision_id


class RecommendationIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    org_unit: str = Field(..., min_length=1, max_length=64)
    due_date: date
    description: str = Field("", max_length=10000)
    kind: Literal["recommendation", "task"] = "recommendation"
    source: Literal["advisory_opinion", "audit", "officer"] = "officer"
    case: int | None = None


class RecommendationPatch(Schema):
    status: RecStatus | None = None
    evidence: str | None = Field(None, max_length=10000)
    due_date: date | None = None


class RecommendationQuery(Schema):
    status: RecStatus | None = None
    org_unit: str | None = Field(None, max_length=64)
    overdue: bool | None = None
    case: int | None = None
    mine: bool = False


@router.get("/recommendations", response=list[RecommendationOut])
@paginate(Page)
def list_recommendations(request: HttpRequest, filters: Query[RecommendationQuery]) -> object:
    actor = actor_of(request)
    unit = unit_ref(actor, filters.org_unit, "org_unit", "recommendations.view")
    return selectors.recommendation_index(
        actor=actor,
        filters=selectors.RecommendationFilters(
            status=filters.status,
            org_unit=unit,
            overdue=filters.overdue,
            case_id=filters.case,
            mine=filters.mine,
        ),
    )


@router.post(
    "/recommendations",
    response={201: RecommendationOut},
    summary="Record a recommendation or task for an org unit (routed to its liaisons)",
)
def create_recommendation(request: HttpRequest, payload: RecommendationIn) -> Status[Recommendation]:
    actor = actor_of(request)
    unit = unit_ref(actor, payload.org_unit, "org_unit", "recommendations.create")
    case = None
    if payload.case is not None:
        try:
            case = selectors.case_get(actor=actor, case_id=payload.case)
        except NotFound:
            raise Invalid(
                _("Unknown case."),
                fields={"case": _("No case %(case)s you can see.") % {"case": payload.case}},
            ) from None
    item = services.recommendation_create(
        actor=actor,
        title=payload.title,
        org_unit=unit,
        due_date=payload.due_date,
        description=payload.description,
        kind=payload.kind,
        source=payload.source,
        case=case,
    )
    return Status(201, selectors.recommendation_get(actor=actor, recommendation_id=item.pk))


@router.get("/recommendations/{recommendation_id}", response=RecommendationOut)
def get_recommendation(request: HttpRequest, recommendation_id: int) -> Recommendation:
    return selectors.recommendation_for(actor=actor_of(request), recommendation_id=recommendation_id)


@router.patch(
    "/recommendations/{recommendation_id}",
    response=RecommendationOut,
    summary="Record progress and evidence of completion",
)
def update_recommendation(
    request: HttpRequest, recommendation_id: int, payload: RecommendationPatch
) -> Recommendation:
    actor = actor_of(request)
    item = selectors.recommendation_for(
        actor=actor, recommendation_id=recommendation_id, permission="recommendations.update"
    )
    changes = payload.dict(exclude_unset=True)
    if "due_date" in changes and changes["due_date"] is None:
        raise Invalid(_("A due date is required."), fields={"due_date": _("Expected a date.")})
    services.recommendation_update(actor=actor, recommendation=item, **changes)
    return selectors.recommendation_get(actor=actor, recommendation_id=recommendation_id)


class UnitCoverageOut(Schema):
    org_unit: str
    name: str
    kind: str
    liaisons: list[str]
    routed_to: str | None
    open: int
    overdue: int
    done: int
    median_response_hours: float | None


class NetworkOut(Schema):
    units: list[UnitCoverageOut]
    units_without_liaison: list[str]
    open: int
    overdue: int
    median_response_hours: float | None


@router.get(
    "/liaison-network",
    response=NetworkOut,
    summary="Coverage: liaisons, open and overdue items and median response time per unit",
)
def liaison_network(request: HttpRequest) -> dict[str, Any]:
    net = selectors.liaison_network_for(actor=actor_of(request))
    return {
        "units": [
            {
                "org_unit": r.unit.code,
                "name": r.unit.name,
                "kind": r.unit.kind,
                "liaisons": [u.username for u in r.liaisons],
                "routed_to": r.routed_to.code if r.routed_to else None,
                "open": r.open,
                "overdue": r.overdue,
                "done": r.done,
                "median_response_hours": r.median_response_hours,
            }
            for r in net.units
        ],
        "units_without_liaison": [r.unit.code for r in net.without_liaison],
        "open": net.open,
        "overdue": net.overdue,
        "median_response_hours": net.median_response_hours,
    }
