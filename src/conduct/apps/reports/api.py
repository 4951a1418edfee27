"""JSON API for the risk register (risks, heat map, links) and the transparency reports.

The services make the full permission check. A write whose target or references are first looked up through a
scoped read checks the role alone beforehand, so that a role without the permission gets 403, not 404 or 422.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.selectors import internal_user_by_username, unit_ref
from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.catalog.models import Control
from conduct.apps.catalog.selectors import control_list
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.apps.reports import selectors, services
from conduct.apps.reports.models import Report, ReportState, RiskLink, SalientRisk
from conduct.apps.suppliers.models import Supplier
from conduct.apps.suppliers.selectors import supplier_list
from conduct.apps.workforce.selectors import sites_under

router = Router(tags=["risks and reports"])

Dimension = Literal["product", "labour", "supply_chain"]
Rating = int


class RiskLinkOut(Schema):
    id: int
    kind: str
    target: int | None
    note: str
    created_by: str
    created_at: datetime

    @staticmethod
    def resolve_target(obj: RiskLink) -> int | None:
        return obj.target_id


class RiskOut(Schema):
    code: str
    title: str
    description: str
    dimension: str
    rights: list[str]
    people_affected: str
    org_unit: str
    scope_units: list[str]
    scope_suppliers: list[int]
    scope_products: list[str]
    scale: int
    scope: int
    irremediability: int
    likelihood: int
    severity: int
    score: int
    band: str
    residual_likelihood: int
    residual_score: int
    residual_band: str
    controls: list[str]
    owner: str | None
    status: str
    updated_at: datetime

    @staticmethod
    def resolve_org_unit(obj: SalientRisk) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_scope_units(obj: SalientRisk) -> list[str]:
        return sorted(u.code for u in obj.scope_units.all())

    @staticmethod
    def resolve_scope_suppliers(obj: SalientRisk) -> list[int]:
        return sorted(s.pk for s in obj.scope_suppliers.all())

    @staticmethod
    def resolve_controls(obj: SalientRisk) -> list[str]:
        return sorted(c.code for c in obj.controls.all())

    @staticmethod
    def resolve_owner(obj: SalientRisk) -> str | None:
        return obj.owner.username if obj.owner else None


class RiskDetailOut(RiskOut):
    explanation: list[str]
    links: list[RiskLinkOut]
    own_sites: list[str] = Field(
        default_factory=list,
        description="Evidence of a labour-in-own-operations risk: the own sites (codes) in its scope units",
    )

    @staticmethod
    def resolve_own_sites(obj: SalientRisk) -> list[str]:
        return list(getattr(obj, "own_sites", []))

    @staticmethod
    def resolve_links(obj: SalientRisk) -> list[RiskLink]:
        return list(obj.links.all())


class RiskIn(Schema):
    code: str = Field(..., max_length=64)
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    dimension: Dimension
    rights: list[str] = Field(..., description="HumanRight values (governance), e.g. privacy, forced_labour")
    people_affected: str = Field(..., max_length=2000)
    org_unit: str = Field(..., description="Owning org unit (code or id)")
    scope_units: list[str] = Field(default_factory=list, description="Org unit codes")
    scope_suppliers: list[DbId] = Field(default_factory=list, description="Supplier ids")
    scope_products: list[str] = Field(default_factory=list)
    scale: int = Field(..., ge=1, le=5)
    scope: int = Field(..., ge=1, le=5, description="How many people could be affected (UNGP scope)")
    irremediability: int = Field(..., ge=1, le=5)
    likelihood: int = Field(..., ge=1, le=5)
    residual_likelihood: int | None = Field(None, ge=1, le=5, description="With the controls working")
    controls: list[str] = Field(default_factory=list, description="Control codes that mitigate it")
    owner: str | None = None


class RiskPatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    dimension: Dimension | None = None
    rights: list[str] | None = None
    people_affected: str | None = Field(None, max_length=2000)
    scope_units: list[str] | None = None
    scope_suppliers: list[DbId] | None = None
    scope_products: list[str] | None = None
    scale: int | None = Field(None, ge=1, le=5)
    scope: int | None = Field(None, ge=1, le=5)
    irremediability: int | None = Field(None, ge=1, le=5)
    likelihood: int | None = Field(None, ge=1, le=5)
    residual_likelihood: int | None = Field(None, ge=1, le=5)
    controls: list[str] | None = None
    owner: str | None = None
    status: Literal["active", "retired"] | None = None


class RiskQuery(Schema):
    dimension: Dimension | None = None
    band: Literal["low", "medium", "high", "critical"] | None = None
    status: Literal["active", "retired"] | None = "active"
    q: str | None = Field(None, max_length=100)


class LinkIn(Schema):
    kind: Literal["case", "gate_decision", "finding"]
    id: DbId = Field(..., description="The case, gate decision or finding id")
    note: str = Field("", max_length=2000)


class HeatCellOut(Schema):
    severity: int
    likelihood: int
    score: int
    band: str
    risks: list[str]


class ReportOut(Schema):
    id: int
    year: int
    state: str
    progress: str
    error: str
    requested_by: str
    requested_at: datetime
    built_at: datetime | None
    manifest_sha256: str
    checkpoint_seq: int | None
    publication_seq: int | None
    files: list[dict[str, Any]]
    seconds: float | None

    @staticmethod
    def resolve_checkpoint_seq(obj: Report) -> int | None:
        return obj.checkpoint.seq if obj.checkpoint else None


class ReportIn(Schema):
    year: int = Field(..., ge=2000, le=2100)


# --- helpers --------------------------------------------------------------------------------------


def _unit(actor: User, code: str, field: str) -> OrgUnit:
    """A unit a risk change names (403 first for a role without `risks.manage`)."""
    unit = unit_ref(actor=actor, ref=code, field=field, permission="risks.manage")
    if unit is None:
        raise Invalid(_("An org unit is required."), fields={field: _("Name an org unit by id or code.")})
    return unit


def _units(actor: User, codes: list[str] | None, field: str) -> list[OrgUnit] | None:
    return None if codes is None else [_unit(actor, code, field) for code in codes]


def _suppliers(actor: User, ids: list[int] | None) -> list[Supplier] | None:
    if ids is None:
        return None
    found = list(supplier_list(actor=actor).filter(pk__in=ids))
    missing = sorted(set(ids) - {s.pk for s in found})
    if missing:
        raise Invalid(
            _("Unknown supplier."),
            fields={"scope_suppliers": _("No supplier %(id)s you can see.") % {"id": missing[0]}},
        )
    return found


def _controls(actor: User, codes: list[str] | None) -> list[Control] | None:
    if codes is None:
        return None
    found = list(control_list(actor=actor).filter(code__in=codes))
    missing = sorted(set(codes) - {c.code for c in found})
    if missing:
        raise Invalid(_("Unknown control."), fields={"controls": _("No control %(c)r.") % {"c": missing[0]}})
    return found


def _owner(value: str | None) -> User | None:
    if value is None:
        return None
    user = internal_user_by_username(value)
    if user is None:
        raise Invalid(_("Unknown user."), fields={"owner": _("No internal user %(u)r.") % {"u": value}})
    return user


def _risk(actor: User, code: str) -> SalientRisk:
    return selectors.risk_get(actor=actor, code=code)


# --- risks ----------------------------------------------------------------------------------------


@router.get("/risks", response=list[RiskOut], summary="The human-rights risk register, most salient first")
@paginate(Page)
def list_risks(request: HttpRequest, filters: Query[RiskQuery]) -> object:
    actor = actor_of(request)
    return selectors.risk_index(
        actor=actor, filters=selectors.RiskFilters(**filters.dict())
    ).prefetch_related("scope_units", "scope_suppliers", "controls")


@router.post("/risks", response={201: RiskDetailOut})
def create_risk(request: HttpRequest, payload: RiskIn) -> Status:
    actor = actor_of(request)
    data = payload.dict()
    unit = _unit(actor, data.pop("org_unit"), "org_unit")
    risk = services.risk_create(
        actor=actor,
        code=data.pop("code"),
        org_unit=unit,
        scope_units=_units(actor, data.pop("scope_units"), "scope_units"),
        scope_suppliers=_suppliers(actor, data.pop("scope_suppliers")),
        controls=_controls(actor, data.pop("controls")),
        owner=_owner(data.pop("owner")),
        **data,
    )
    return Status(201, selectors.risk_get(actor=actor, code=risk.code))


@router.get(
    "/risks/heatmap",
    response=list[list[HeatCellOut]],
    summary="5x5 heat map (rows severity 5..1, columns likelihood 1..5) with the risk codes in each cell",
)
def risk_heatmap(request: HttpRequest, residual: bool = False) -> list[list[dict[str, Any]]]:
    actor = actor_of(request)
    return [
        [
            {
                "severity": c.severity,
                "likelihood": c.likelihood,
                "score": c.score,
                "band": c.band,
                "risks": [r.code for r in c.risks],
            }
            for c in row
        ]
        for row in selectors.risk_heatmap(actor=actor, residual=residual)
    ]


@router.get("/risks/{risk_code}", response=RiskDetailOut)
def get_risk(request: HttpRequest, risk_code: str) -> SalientRisk:
    actor = actor_of(request)
    return _with_evidence(actor, selectors.risk_for(actor=actor, code=risk_code))


def _with_evidence(actor: User, risk: SalientRisk) -> SalientRisk:
    """A labour-in-own-operations risk lists the own sites of its scope units (those the actor may see)."""
    if risk.dimension == "labour":
        risk.own_sites = [s.code for s in sites_under(actor=actor, units=risk.scope_units.all())]  # type: ignore[attr-defined]
    return risk


@router.patch("/risks/{risk_code}", response=RiskDetailOut)
def update_risk(request: HttpRequest, risk_code: str, payload: RiskPatch) -> SalientRisk:
    actor = actor_of(request)
    risk = selectors.risk_for(actor=actor, code=risk_code, permission="risks.manage")
    data = payload.dict(exclude_unset=True)
    extra = {
        "scope_units": _units(actor, data.pop("scope_units", None), "scope_units"),
        "scope_suppliers": _suppliers(actor, data.pop("scope_suppliers", None)),
        "controls": _controls(actor, data.pop("controls", None)),
    }
    if "owner" in data:
        data["owner"] = _owner(data["owner"])
    for key, value in list(data.items()):
        if value is None and key not in ("owner",):
            raise Invalid(
                _("A field cannot be emptied."), fields={key: _("Give a value or leave the field out.")}
            )
    services.risk_update(actor=actor, risk=risk, **extra, **data)
    return _with_evidence(actor, _risk(actor, risk_code))


@router.post(
    "/risks/{risk_code}/links",
    response={201: RiskLinkOut},
    summary="Link a case, gate decision or audit finding to the risk it concerns",
)
def link_risk(request: HttpRequest, risk_code: str, payload: LinkIn) -> Status:
    actor = actor_of(request)
    risk = selectors.risk_for(actor=actor, code=risk_code, permission="risks.link")
    return Status(
        201,
        services.risk_link(
            actor=actor, risk=risk, kind=payload.kind, target_id=payload.id, note=payload.note
        ),
    )


# --- reports --------------------------------------------------------------------------------------


@router.get("/reports", response=list[ReportOut], summary="Transparency report builds, newest first")
@paginate(Page)
def list_reports(request: HttpRequest) -> object:
    return selectors.report_list(actor=actor_of(request))


@router.post(
    "/reports",
    response={202: ReportOut},
    summary="Build and publish the report for a year (runs as a background task; poll the report)",
)
def request_report(request: HttpRequest, payload: ReportIn) -> Status:
    actor = actor_of(request)
    report = services.report_request(actor=actor, year=payload.year)
    return Status(202, selectors.report_get(actor=actor, report_id=report.pk))


@router.get("/reports/{report_id}", response=ReportOut)
def get_report(request: HttpRequest, report_id: DbId) -> Report:
    return selectors.report_get(actor=actor_of(request), report_id=report_id)


@router.get(
    "/reports/{report_id}/manifest",
    response=dict[str, Any],
    summary="The signed manifest of a published report",
)
def report_manifest(request: HttpRequest, report_id: DbId) -> dict[str, Any]:
    report = selectors.report_get(actor=actor_of(request), report_id=report_id)
    if report.state != ReportState.PUBLISHED:
        raise Conflict(
            _("Report %(id)s is %(state)s, not published.") % {"id": report_id, "state": report.state},
            code="not_published",
        )
    path = Path(report.path) / "manifest.json"
    if not path.is_file():
        raise NotFound(
            _("The files of report %(id)s are no longer at %(path)s.")
            % {"id": report_id, "path": report.path}
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
