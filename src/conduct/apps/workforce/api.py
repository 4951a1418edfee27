"""JSON API of the company's own operations: own sites with their certificates, audits, findings and
corrective actions (the suppliers app's records, through conduct.events.suppliers' providers), working-time
imports, incidents, hours worked and the injury rates."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.workforce import selectors, services
from conduct.apps.workforce.models import IncidentKind, IncidentSeverity, OwnSite, SiteKind
from conduct.events import suppliers as records

router = Router(tags=["own operations"])

Kind = Literal["factory", "warehouse", "office", "rnd_centre"]
assert set(Kind.__args__) == set(SiteKind.values)  # type: ignore[attr-defined]


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    org_unit: str = Field(..., alias="org_unit.code")
    country: str
    headcount: int
    liaison: str | None

    @staticmethod
    def resolve_liaison(obj: OwnSite) -> str | None:
        return obj.liaison.username if obj.liaison else None


class SiteIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, description="Lower-case letters, digits and dashes")
    name: str = Field(..., min_length=1, max_length=200)
    kind: Kind
    org_unit: str = Field(..., min_length=1, max_length=64, description="The owning org unit's code")
    country: str = Field(..., min_length=2, max_length=2)
    headcount: int = Field(0, ge=0, le=10_000_000)
    liaison: str | None = Field(None, max_length=150, description="Username of the site's liaison")


class SitePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    headcount: int | None = Field(None, ge=0, le=10_000_000)
    liaison: str | None = Field(None, max_length=150)


def _unit(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise Invalid(
            _("Unknown org unit."), fields={"org_unit": _("No org unit %(code)r.") % {"code": code}}
        )
    return unit


def _liaison(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Invalid(_("Unknown user."), fields={"liaison": _("No active user %(u)r.") % {"u": username}})
    return user


@router.get("/workforce/sites", response=list[SiteOut], summary="Own sites you may see")
@paginate(Page)
def sites(request: HttpRequest, q: str = Query("", max_length=100)) -> object:
    return selectors.site_list(actor=actor_of(request), q=q)


@router.post("/workforce/sites", response={201: SiteOut}, summary="Add an own site under an org unit")
def site_create(request: HttpRequest, payload: SiteIn) -> Status:
    data = payload.dict()
    site = services.site_create(
        actor=actor_of(request),
        **{**data, "org_unit": _unit(data["org_unit"]), "liaison": _liaison(data["liaison"])},
    )
    return Status(201, site)


class CertificateOut(Schema):
    id: int
    standard: str
    number: str
    issuer: str
    valid_from: date | None
    valid_until: date
    status: str


class OwnSiteFindingOut(Schema):
    id: int
    severity: str
    requirement: str
    description: str
    is_open: bool


class AuditOut(Schema):
    id: int
    kind: str
    date: date
    auditor: str
    scope: str
    findings: list[OwnSiteFindingOut]

    @staticmethod
    def resolve_findings(obj: Any) -> list[Any]:
        return list(obj.findings.all())


class ActionOut(Schema):
    id: int
    finding: int = Field(..., alias="finding_id")
    action: str
    owner: str
    due_date: date
    status: str


class SiteDetailOut(SiteOut):
    certificates: list[CertificateOut]
    audits: list[AuditOut]
    corrective_actions: list[ActionOut]

    @staticmethod
    def resolve_certificates(obj: Any) -> list[Any]:
        return list(obj.records.certificates)

    @staticmethod
    def resolve_audits(obj: Any) -> list[Any]:
        return list(obj.records.audits)

    @staticmethod
    def resolve_corrective_actions(obj: Any) -> list[Any]:
        return list(obj.records.actions)


def _site(request: HttpRequest, own_site_id: int) -> OwnSite:
    return selectors.site_get(actor=actor_of(request), site_id=own_site_id)


def _detail(request: HttpRequest, site: OwnSite) -> OwnSite:
    """The site with its records (the suppliers app's, through the provider) for SiteDetailOut."""
    site.records = records.own_site_records(actor=actor_of(request), site_id=site.pk)  # type: ignore[attr-defined]
    return site


@router.get("/workforce/sites/{own_site_id}", response=SiteDetailOut, summary="An own site and its records")
def site(request: HttpRequest, own_site_id: DbId) -> OwnSite:
    return _detail(request, _site(request, own_site_id))


@router.patch("/workforce/sites/{own_site_id}", response=SiteOut, summary="Change an own site")
def site_update(request: HttpRequest, own_site_id: DbId, payload: SitePatch) -> OwnSite:
    data = payload.dict(exclude_unset=True)
    if "liaison" in data:
        data["liaison"] = _liaison(data["liaison"])
    return services.site_update(actor=actor_of(request), site=_site(request, own_site_id), **data)


class CertificateIn(Schema):
    standard: str = Field(..., min_length=1, max_length=60, description='e.g. "SA8000", "ISO 45001"')
    number: str = Field(..., min_length=1, max_length=100)
    issuer: str = Field("", max_length=200)
    accreditation_body: str = Field("", max_length=200)
    scope: str = Field("", max_length=5000)
    valid_from: date | None = None
    valid_until: date


@router.post(
    "/workforce/sites/{own_site_id}/certificates",
    response={201: CertificateOut},
    summary="Record a certificate the own site holds",
)
def site_certificate_create(request: HttpRequest, own_site_id: DbId, payload: CertificateIn) -> Status:
    cert = records.own_site_certificate_create(
        actor=actor_of(request), site=_site(request, own_site_id), **payload.dict()
    )
    return Status(201, cert)


class FindingIn(Schema):
    severity: Literal["critical", "major", "minor"]
    requirement: str = Field(
        ..., min_length=1, max_length=200, description="e.g. urn:conduct:sa8000:SA8000-7.a"
    )
    description: str = Field(..., min_length=1, max_length=5000)
    action: str = Field(..., min_length=1, max_length=5000, description="The corrective action")
    owner: str = Field(..., min_length=1, max_length=200)
    due_date: date


class AuditIn(Schema):
    kind: Literal["social", "environmental", "security"]
    date: date
    auditor: str = Field(..., min_length=1, max_length=200)
    scope: str = Field("", max_length=5000)
    findings: list[FindingIn] = Field(default_factory=list, max_length=200)


@router.post(
    "/workforce/sites/{own_site_id}/audits",
    response={201: AuditOut},
    summary="Record an audit of the own site, with its findings and their corrective actions",
)
def site_audit_create(request: HttpRequest, own_site_id: DbId, payload: AuditIn) -> Status:
    actor = actor_of(request)
    audit = services.site_audit_record(
        actor=actor,
        site=_site(request, own_site_id),
        audit={k: v for k, v in payload.dict().items() if k != "findings"},
        findings=[f.dict() for f in payload.findings],
    )
    return Status(201, audit)


class ActionPatch(Schema):
    root_cause: str | None = Field(None, max_length=10000)
    action: str | None = Field(None, max_length=10000)
    evidence: str | None = Field(None, max_length=10000)
    owner: str | None = Field(None, max_length=200)
    due_date: date | None = None
    status: Literal["open", "in_progress", "verified", "closed"] | None = None


@router.patch(
    "/workforce/corrective-actions/{own_action_id}",
    response=ActionOut,
    summary="Work an own site's corrective action (root cause, action, evidence, status)",
)
def action_update(request: HttpRequest, own_action_id: DbId, payload: ActionPatch) -> Any:
    actor = actor_of(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    return services.site_action_update(actor=actor, plan=plan, **payload.dict(exclude_unset=True))


# --- working time ---------------------------------------------------------------------------------


class HoursImportIn(Schema):
    content: str = Field(
        ..., min_length=1, max_length=5_000_000, description="CSV: " + ",".join(services.COLUMNS)
    )
    commit: bool = Field(False, description="Store the weeks (otherwise only check and report)")
    file_name: str = Field("", max_length=200)


class SiteHoursOut(Schema):
    site: str
    worker_weeks: int
    non_compliant: int
    over_regular: int
    over_overtime: int
    no_rest_day: int
    compliant_share: float


class HoursReportOut(Schema):
    sites: list[SiteHoursOut]
    worst_weeks: list[dict[str, Any]]
    committed: bool
    import_id: int | None
    findings: list[dict[str, Any]]


@router.post(
    "/workforce/hours/import", response=HoursReportOut, summary="Check (and with commit, store) working time"
)
def hours_import(request: HttpRequest, payload: HoursImportIn) -> Any:
    return services.hours_import(
        actor=actor_of(request), text=payload.content, commit=payload.commit, file_name=payload.file_name
    )


class WeekOut(Schema):
    week_start: date
    worker_weeks: int
    compliant_share: float
    average_overtime: float


@router.get("/workforce/sites/{own_site_id}/hours", response=list[WeekOut], summary="Working time by week")
def site_hours(request: HttpRequest, own_site_id: DbId) -> Any:
    return selectors.hours_series(site=_site(request, own_site_id))


# --- health and safety ----------------------------------------------------------------------------


class IncidentIn(Schema):
    kind: Literal["injury", "near_miss", "illness"]
    severity: Literal["first_aid", "medical", "lost_time", "fatal"]
    date: date
    lost_days: int = Field(0, ge=0, le=3650)
    description: str = Field(..., min_length=1, max_length=5000)


assert {"injury", "near_miss", "illness"} == set(IncidentKind.values)
assert {"first_aid", "medical", "lost_time", "fatal"} == set(IncidentSeverity.values)


class IncidentOut(Schema):
    id: int
    site: str = Field(..., alias="site.code")
    kind: str
    severity: str
    date: date
    lost_days: int
    description: str
    recorded_by: str
    created_at: datetime


@router.get("/workforce/incidents", response=list[IncidentOut], summary="Incidents at the sites you may see")
@paginate(Page)
def incidents(request: HttpRequest) -> object:
    return selectors.incident_list(actor=actor_of(request))


@router.post(
    "/workforce/sites/{own_site_id}/incidents", response={201: IncidentOut}, summary="Record an incident"
)
def incident_create(request: HttpRequest, own_site_id: DbId, payload: IncidentIn) -> Status:
    incident = services.incident_record(
        actor=actor_of(request), site=_site(request, own_site_id), **payload.dict()
    )
    return Status(201, incident)


class HoursWorkedIn(Schema):
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    hours: float = Field(..., ge=0, le=1_000_000_000)


class HoursWorkedOut(Schema):
    site: str = Field(..., alias="site.code")
    month: date
    hours: float


@router.post(
    "/workforce/sites/{own_site_id}/hours-worked",
    response=HoursWorkedOut,
    summary="Set the hours worked at the site in a month",
)
def hours_worked(request: HttpRequest, own_site_id: DbId, payload: HoursWorkedIn) -> Any:
    return services.hours_worked_record(
        actor=actor_of(request), site=_site(request, own_site_id), month=payload.month, hours=payload.hours
    )


class RateOut(Schema):
    site: str
    year: int
    hours: float
    lost_time_injuries: int
    recordable: int
    ltifr: float | None = Field(..., description="Lost-time injuries per 1,000,000 hours worked")
    trir: float | None = Field(
        ..., description="Recordable injuries and illnesses per 1,000,000 hours worked"
    )


class RateQuery(Schema):
    site: DbId | None = None
    year: int | None = Field(None, ge=1900, le=2999)


@router.get("/workforce/rates", response=list[RateOut], summary="LTIFR and TRIR by site and year (GRI 403-9)")
def rates(request: HttpRequest, filters: Query[RateQuery]) -> Any:
    actor = actor_of(request)
    site = selectors.site_get(actor=actor, site_id=filters.site) if filters.site else None
    return [r.as_json() for r in selectors.safety_rates(actor=actor, site=site, year=filters.year)]
