"""JSON API of coordinated vulnerability disclosure.

Public (no login): `POST /public/vulnerability-reports` (a report; the tracking reference is the answer) and
`POST /public/vulnerability-reports/status` (the reference in the body, never in a URL that logs keep: the
state, deadlines and status updates). The triage team (`vulnreports.view` / `vulnreports.triage`): the list
(filter by state, overdue), a report with its notes and attachments, transitions and notes.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of, decode_base64
from conduct.apps.products import selectors_disclosure as selectors
from conduct.apps.products.models import VulnerabilityReport, VulnReportState, VulnReportVerdict
from conduct.apps.products.responses import attachment_response
from conduct.apps.products.services.disclosure_intake import Disclosure, vulnreport_status, vulnreport_submit
from conduct.apps.products.services.disclosure_triage import Triage, vulnreport_note, vulnreport_transition

router = Router(tags=["vulnerability disclosure"])


class VulnReportAttachmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    content: str = Field(
        ..., description="The file, base64 (any type; size limit VULN_REPORT_MAX_ATTACHMENT_BYTES)"
    )


class VulnReportIn(Schema):
    product: str = Field(..., max_length=200, description="The product's model or name, as you know it")
    version: str = Field("", max_length=100, description="Firmware or software version")
    summary: str = Field(..., max_length=300)
    details: str = Field(..., max_length=20_000, description="What is wrong, its impact, how to reproduce it")
    reporter_name: str = Field("", max_length=200, description="Optional (anonymous reports are welcome)")
    reporter_email: str = Field("", max_length=254, description="Optional; status changes are mailed to it")
    attachments: list[VulnReportAttachmentIn] = Field(default_factory=list, max_length=20)


class VulnReportReceiptOut(Schema):
    reference: str = Field(..., description="Keep it: the only way to read the report's status back")
    state: str
    received_at: datetime
    acknowledge_by: datetime
    status_url: str


class VulnReportStatusIn(Schema):
    reference: str = Field(..., min_length=1, max_length=40)


class VulnReportUpdateOut(Schema):
    at: datetime
    state: str
    text: str


class VulnReportStatusOut(Schema):
    reference: str
    state: str
    received_at: datetime
    acknowledged_at: datetime | None
    acknowledge_by: datetime
    next_update_by: datetime | None
    resolve_by: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    cve: str
    updates: list[VulnReportUpdateOut]


class VulnReportQuery(Schema):
    state: str = Field("", max_length=20, description=", ".join(VulnReportState.values))
    overdue: bool = False


class VulnReportOut(Schema):
    id: int
    reference: str
    state: str
    summary: str
    product_text: str
    version_text: str
    product: str | None = Field(None, alias="product.model")
    release: str | None = Field(None, alias="release.version")
    verdict: str
    cve: str
    cvss: float | None
    received_at: datetime
    acknowledged_at: datetime | None
    acknowledge_by: datetime
    update_by: datetime
    resolve_by: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    overdue: list[str]


class VulnReportNoteOut(Schema):
    at: datetime
    author: str = Field(..., alias="author_label")
    body: str
    from_state: str
    to_state: str
    to_reporter: bool


class VulnReportFileOut(Schema):
    id: int
    name: str
    size: int
    sha256: str


class VulnReportDetailOut(VulnReportOut):
    details: str
    reporter_name: str
    reporter_email: str
    notes: list[VulnReportNoteOut]
    attachments: list[VulnReportFileOut]

    @staticmethod
    def resolve_notes(obj: VulnerabilityReport) -> list[Any]:
        return list(obj.notes.order_by("at", "id"))

    @staticmethod
    def resolve_attachments(obj: VulnerabilityReport) -> list[Any]:
        return list(obj.attachments.defer("content").order_by("id"))


class VulnReportTransitionIn(Schema):
    to: str = Field(..., max_length=20, description=", ".join(VulnReportState.values))
    note: str = Field("", max_length=10_000)
    to_reporter: bool = Field(True, description="The reporter sees the note on the status page")
    verdict: str = Field("", max_length=10, description="For triaged: " + ", ".join(VulnReportVerdict.values))
    duplicate_of: str = Field("", max_length=40, description="For duplicate: the other report's reference")
    product: str = Field("", max_length=100, description="The register's model")
    version: str = Field("", max_length=100, description="A release of that product")
    cve: str = Field("", max_length=64)
    cvss: float | None = None


class VulnReportNoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=10_000)
    to_reporter: bool = False


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@router.post(
    "/public/vulnerability-reports",
    response={201: VulnReportReceiptOut},
    auth=None,
    summary="Report a vulnerability (no login; rate-limited per address and in total: 429 throttled)",
)
def public_submit(request: HttpRequest, payload: VulnReportIn) -> Status:
    files = [
        (a.name, decode_base64(a.content, f"attachments[{i}]")) for i, a in enumerate(payload.attachments)
    ]
    report = Disclosure(**{**payload.dict(), "attachments": files})
    row = vulnreport_submit(report=report, client_address=_client_address(request))
    return Status(
        201,
        {
            "reference": row.reference,
            "state": row.state,
            "received_at": row.received_at,
            "acknowledge_by": row.acknowledge_by,
            "status_url": "/security/report/status",
        },
    )


@router.post(
    "/public/vulnerability-reports/status",
    response=VulnReportStatusOut,
    auth=None,
    summary="A report's status by its tracking reference (404 for any reference that is not one)",
)
def public_status(request: HttpRequest, payload: VulnReportStatusIn) -> dict[str, Any]:
    return vulnreport_status(reference=payload.reference)


@router.get("/vulnerability-reports", response=list[VulnReportOut], summary="Vulnerability reports (triage)")
@paginate(Page)
def reports(request: HttpRequest, filters: Query[VulnReportQuery]) -> object:
    rows = selectors.vulnreport_list(actor=actor_of(request), state=filters.state, overdue=filters.overdue)
    return selectors.with_overdue(rows[:5000])


@router.get("/vulnerability-reports/{vuln_report_id}", response=VulnReportDetailOut)
def report(request: HttpRequest, vuln_report_id: DbId) -> VulnerabilityReport:
    return selectors.vulnreport_get(actor=actor_of(request), vuln_report_id=vuln_report_id)


@router.post(
    "/vulnerability-reports/{vuln_report_id}/transition",
    response=VulnReportDetailOut,
    summary="Move a report on (received, acknowledged, triaged, fixed, advisory_published, closed)",
)
def report_transition(
    request: HttpRequest, vuln_report_id: DbId, payload: VulnReportTransitionIn
) -> VulnerabilityReport:
    actor = actor_of(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    data = payload.dict()
    triage = Triage(**{k: data[k] for k in ("verdict", "duplicate_of", "product", "version", "cve", "cvss")})
    vulnreport_transition(
        actor=actor,
        report=found,
        to=payload.to,
        note=payload.note,
        to_reporter=payload.to_reporter,
        triage=triage,
    )
    return selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)


@router.post(
    "/vulnerability-reports/{vuln_report_id}/notes",
    response={201: VulnReportDetailOut},
    summary="A triage note, or (to_reporter) a status update the reporter sees",
)
def report_note(request: HttpRequest, vuln_report_id: DbId, payload: VulnReportNoteIn) -> Status:
    actor = actor_of(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    vulnreport_note(actor=actor, report=found, body=payload.body, to_reporter=payload.to_reporter)
    return Status(201, selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id))


@router.get(
    "/vulnerability-reports/{vuln_report_id}/attachments/{vuln_file_id}",
    response={200: None},
    summary="Download a file sent with a report",
)
def report_attachment(request: HttpRequest, vuln_report_id: DbId, vuln_file_id: DbId) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.vulnreport_get(actor=actor, vuln_report_id=vuln_report_id)
    file = selectors.vulnreport_attachment(actor=actor, report=found, vuln_file_id=vuln_file_id)
    return attachment_response(file.name, bytes(file.content))
