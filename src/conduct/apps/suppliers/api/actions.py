"""Corrective actions: one per finding, worked by staff and the supplier, verified and closed by staff."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.suppliers import (
    exporting,
    selectors,
    services,
)
from conduct.apps.suppliers.api import router
from conduct.apps.suppliers.api._common import (
    ONE_FILE,
    Format,
    one_file,
)
from conduct.apps.suppliers.models import (
    CorrectiveAction,
)


class CorrectiveActionOut(Schema):
    id: int
    finding_id: int
    supplier_id: int
    supplier: str
    org_unit: str
    severity: str
    requirement: str
    root_cause: str
    action: str
    owner: str
    due_date: date
    status: str
    overdue: bool
    evidence: str
    has_evidence_file: bool
    verified_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_supplier(obj: CorrectiveAction) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_org_unit(obj: CorrectiveAction) -> str:
        return obj.supplier.org_unit.code

    @staticmethod
    def resolve_severity(obj: CorrectiveAction) -> str:
        return obj.finding.severity

    @staticmethod
    def resolve_requirement(obj: CorrectiveAction) -> str:
        return obj.finding.requirement

    @staticmethod
    def resolve_overdue(obj: CorrectiveAction) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_has_evidence_file(obj: CorrectiveAction) -> bool:
        return bool(obj.evidence_file)


class CorrectiveActionIn(Schema):
    action: str = Field(..., max_length=10000)
    owner: str = Field(..., max_length=200)
    due_date: str = Field(..., max_length=40, description="YYYY-MM-DD")
    root_cause: str = Field("", max_length=10000)


class CorrectiveActionPatch(Schema):
    root_cause: str | None = Field(None, max_length=10000)
    action: str | None = Field(None, max_length=10000)
    evidence: str | None = Field(None, max_length=10000)
    owner: str | None = Field(None, max_length=200)
    due_date: str | None = Field(None, max_length=40)
    status: Literal["open", "in_progress", "verified", "closed"] | None = None


class CorrectiveActionQuery(Schema):
    supplier: DbId | None = None
    org_unit: str | None = Field(None, max_length=64)
    status: Literal["open", "in_progress", "verified", "closed"] | None = None
    severity: Literal["critical", "major", "minor"] | None = None
    overdue: bool = False


def _action_filters(query: CorrectiveActionQuery) -> selectors.ActionFilters:
    return selectors.ActionFilters(
        supplier=query.supplier,
        status=query.status,
        overdue=query.overdue,
        severity=query.severity,
    )


@router.post(
    "/findings/{finding_id}/corrective-action",
    response={201: CorrectiveActionOut},
    tags=["audits"],
    summary="The corrective action plan for a finding (one per finding)",
)
def create_action(request: HttpRequest, finding_id: int, payload: CorrectiveActionIn) -> Status:
    actor = actor_of(request)
    finding = selectors.finding_for(actor=actor, finding_id=finding_id, permission="audits.record")
    plan = services.action_create(actor=actor, finding=finding, **payload.dict())
    return Status(201, selectors.action_get(actor=actor, action_id=plan.pk))


@router.get("/corrective-actions", response=list[CorrectiveActionOut], tags=["audits"])
@paginate(Page)
def list_actions(request: HttpRequest, filters: Query[CorrectiveActionQuery]) -> object:
    return selectors.action_index(
        actor=actor_of(request), filters=_action_filters(filters), org_unit_ref=filters.org_unit
    )


class CorrectiveActionExportQuery(CorrectiveActionQuery):
    format: Format = "csv"


@router.get(
    "/corrective-actions/export",
    tags=["audits"],
    response={200: None},
    summary="Corrective actions as CSV or XLSX, with the list's filters",
)
def export_actions(request: HttpRequest, filters: Query[CorrectiveActionExportQuery]) -> HttpResponse:
    rows = selectors.action_index(
        actor=actor_of(request), filters=_action_filters(filters), org_unit_ref=filters.org_unit
    )
    return exporting.export_response("corrective-actions", exporting.ACTION_COLUMNS, rows, filters.format)


@router.get("/corrective-actions/{action_id}", response=CorrectiveActionOut, tags=["audits"])
def get_action(request: HttpRequest, action_id: int) -> CorrectiveAction:
    return selectors.action_for(actor=actor_of(request), action_id=action_id)


@router.patch(
    "/corrective-actions/{action_id}",
    response=CorrectiveActionOut,
    tags=["audits"],
    summary="Work the action (root cause, action, evidence, status); staff verify and close",
)
def update_action(request: HttpRequest, action_id: int, payload: CorrectiveActionPatch) -> CorrectiveAction:
    actor = actor_of(request)
    plan = selectors.action_for(actor=actor, action_id=action_id, permission="actions.work")
    services.action_update(actor=actor, plan=plan, **payload.dict(exclude_unset=True))
    return selectors.action_get(actor=actor, action_id=plan.pk)


@router.post(
    "/corrective-actions/{action_id}/evidence",
    response=CorrectiveActionOut,
    tags=["audits"],
    summary="Attach an evidence file (PDF, PNG or JPEG)",
    openapi_extra=ONE_FILE,
)
def upload_evidence(request: HttpRequest, action_id: int) -> CorrectiveAction:
    actor = actor_of(request)
    plan = selectors.action_for(actor=actor, action_id=action_id, permission="actions.work")
    upload = one_file(request)
    services.action_attach_evidence(
        actor=actor, plan=plan, content=upload.content or b"", filename=upload.name
    )
    return selectors.action_get(actor=actor, action_id=plan.pk)
