"""Audits and their findings."""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import (
    exporting,
    selectors,
    services,
)
from conduct.apps.suppliers.api import router
from conduct.apps.suppliers.api._common import (
    Format,
)
from conduct.apps.suppliers.models import (
    SupplierAudit,
)


class AuditFindingOut(Schema):
    id: int
    audit_id: int
    severity: str
    requirement: str
    description: str
    is_open: bool
    action_id: int | None

    @staticmethod
    def resolve_action_id(obj: Any) -> int | None:
        plan = getattr(obj, "action", None)  # the reverse one-to-one raises AttributeError when absent
        return plan.pk if plan is not None else None


class SupplierAuditOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    kind: str
    date: date
    auditor: str
    scope: str
    site_id: int | None

    @staticmethod
    def resolve_supplier(obj: SupplierAudit) -> str:
        return obj.supplier.name


class SupplierAuditDetailOut(SupplierAuditOut):
    findings: list[AuditFindingOut]

    @staticmethod
    def resolve_findings(obj: SupplierAudit) -> list[Any]:
        return list(obj.findings.select_related("action").all())


class SupplierAuditIn(Schema):
    kind: Literal["social", "environmental", "security"]
    date: str = Field(..., max_length=40, description="YYYY-MM-DD")
    auditor: str = Field(..., max_length=200)
    scope: str = Field("", max_length=5000)
    site: DbId | None = None


@router.get("/audits", response=list[SupplierAuditOut], tags=["audits"])
@paginate(Page)
def list_audits(
    request: HttpRequest,
    supplier: DbId | None = None,
    kind: Literal["social", "environmental", "security"] | None = None,
) -> object:
    return selectors.audit_index(actor=actor_of(request), supplier=supplier, kind=kind)


@router.get("/audits/export", tags=["audits"], response={200: None}, summary="Audits as CSV or XLSX")
def export_audits(
    request: HttpRequest,
    supplier: DbId | None = None,
    kind: Literal["social", "environmental", "security"] | None = None,
    format: Format = "csv",
) -> HttpResponse:
    rows = selectors.audit_index(actor=actor_of(request), supplier=supplier, kind=kind)
    return exporting.export_response("audits", exporting.AUDIT_COLUMNS, rows, format)


@router.post("/suppliers/{supplier_id}/audits", response={201: SupplierAuditDetailOut}, tags=["audits"])
def create_audit(request: HttpRequest, supplier_id: int, payload: SupplierAuditIn) -> Status:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="audits.record")
    site = supplier.sites.filter(pk=payload.site).first() if payload.site else None
    if payload.site and site is None:
        raise Invalid(
            _("Unknown site."), fields={"site": _("Not a site of %(name)s.") % {"name": supplier.name}}
        )
    audit = services.audit_create(
        actor=actor,
        supplier=supplier,
        kind=payload.kind,
        date=payload.date,
        auditor=payload.auditor,
        scope=payload.scope,
        site=site,
    )
    return Status(201, audit)


@router.get("/audits/{audit_id}", response=SupplierAuditDetailOut, tags=["audits"])
def get_audit(request: HttpRequest, audit_id: int) -> SupplierAudit:
    return selectors.audit_for(actor=actor_of(request), audit_id=audit_id)


class AuditFindingIn(Schema):
    severity: Literal["critical", "major", "minor"]
    requirement: str = Field(
        ..., max_length=200, description="The requirement cited (a URN from the library, or text)"
    )
    description: str = Field(..., max_length=10000)


@router.post("/audits/{audit_id}/findings", response={201: AuditFindingOut}, tags=["audits"])
def add_finding(request: HttpRequest, audit_id: int, payload: AuditFindingIn) -> Status:
    actor = actor_of(request)
    audit = selectors.audit_for(actor=actor, audit_id=audit_id, permission="audits.record")
    return Status(201, services.finding_add(actor=actor, audit=audit, **payload.dict()))
