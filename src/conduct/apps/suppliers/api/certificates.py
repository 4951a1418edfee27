"""Certificates: list and export, record, change, withdraw, and their files."""

from datetime import date, datetime
from typing import Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.suppliers import (
    downloads,
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
    Certificate,
)


class SupplierCertificateOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    standard: str
    number: str
    issuer: str
    accreditation_body: str
    scope: str
    sites: list[int]
    valid_from: date | None
    valid_until: date
    status: str
    has_file: bool
    file_name: str
    file_type: str
    file_size: int | None
    file_sha256: str
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @staticmethod
    def resolve_supplier(obj: Certificate) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_sites(obj: Certificate) -> list[int]:
        return [s.pk for s in obj.sites.all()]

    @staticmethod
    def resolve_has_file(obj: Certificate) -> bool:
        return bool(obj.file)


class SupplierCertificateIn(Schema):
    standard: str = Field(
        ..., max_length=60, description='"SA8000", "ISO 45001", "ISO 14001" or another standard'
    )
    number: str = Field(..., max_length=100)
    valid_until: str = Field(..., max_length=40, description="YYYY-MM-DD")
    valid_from: str | None = Field(None, max_length=40)
    issuer: str = Field("", max_length=200)
    accreditation_body: str = Field("", max_length=200)
    scope: str = Field("", max_length=5000)
    sites: list[int] = Field(default_factory=list, max_length=500)


class SupplierCertificatePatch(Schema):
    standard: str | None = Field(None, max_length=60)
    number: str | None = Field(None, max_length=100)
    valid_until: str | None = Field(None, max_length=40)
    valid_from: str | None = Field(None, max_length=40)
    issuer: str | None = Field(None, max_length=200)
    accreditation_body: str | None = Field(None, max_length=200)
    scope: str | None = Field(None, max_length=5000)
    sites: list[int] | None = Field(None, max_length=500)


class SupplierCertificateQuery(Schema):
    supplier: DbId | None = None
    standard: str | None = Field(None, max_length=60)
    status: Literal["valid", "expiring", "expired", "withdrawn", "not_yet_valid"] | None = None
    org_unit: str | None = Field(None, max_length=64)
    expires_before: date | None = None


def _cert_filters(query: SupplierCertificateQuery) -> selectors.CertificateFilters:
    return selectors.CertificateFilters(
        supplier=query.supplier,
        standard=query.standard,
        status=query.status,
        expires_before=query.expires_before,
    )


@router.get("/certificates", response=list[SupplierCertificateOut], tags=["certificates"])
@paginate(Page)
def list_certificates(request: HttpRequest, filters: Query[SupplierCertificateQuery]) -> object:
    return selectors.certificate_index(
        actor=actor_of(request), filters=_cert_filters(filters), org_unit_ref=filters.org_unit
    ).prefetch_related("sites")


class SupplierCertificateExportQuery(SupplierCertificateQuery):
    format: Format = "csv"


@router.get(
    "/certificates/export",
    tags=["certificates"],
    response={200: None},
    summary="The certificate list as CSV or XLSX, with the list's filters",
)
def export_certificates(request: HttpRequest, filters: Query[SupplierCertificateExportQuery]) -> HttpResponse:
    rows = selectors.certificate_index(
        actor=actor_of(request), filters=_cert_filters(filters), org_unit_ref=filters.org_unit
    )
    return exporting.export_response(
        "certificates", exporting.CERTIFICATE_COLUMNS, rows.iterator(chunk_size=2000), filters.format
    )


@router.post(
    "/suppliers/{supplier_id}/certificates", response={201: SupplierCertificateOut}, tags=["certificates"]
)
def create_certificate(request: HttpRequest, supplier_id: int, payload: SupplierCertificateIn) -> Status:
    actor = actor_of(request)
    supplier = selectors.supplier_for(actor=actor, supplier_id=supplier_id, permission="certificates.upload")
    data = payload.dict()
    sites = data.pop("sites")
    return Status(201, services.certificate_create(actor=actor, supplier=supplier, site_ids=sites, **data))


@router.get("/certificates/{certificate_id}", response=SupplierCertificateOut, tags=["certificates"])
def get_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return selectors.certificate_for(actor=actor_of(request), certificate_id=certificate_id)


@router.patch("/certificates/{certificate_id}", response=SupplierCertificateOut, tags=["certificates"])
def update_certificate(
    request: HttpRequest, certificate_id: int, payload: SupplierCertificatePatch
) -> Certificate:
    actor = actor_of(request)
    cert = selectors.certificate_for(
        actor=actor, certificate_id=certificate_id, permission="certificates.upload"
    )
    fields = payload.dict(exclude_unset=True)
    sites = fields.pop("sites", None)
    return services.certificate_update(actor=actor, certificate=cert, site_ids=sites, **fields)


class CertificateWithdrawIn(Schema):
    reason: str = Field(..., max_length=2000)


@router.post(
    "/certificates/{certificate_id}/withdraw", response=SupplierCertificateOut, tags=["certificates"]
)
def withdraw_certificate(
    request: HttpRequest, certificate_id: int, payload: CertificateWithdrawIn
) -> Certificate:
    actor = actor_of(request)
    cert = selectors.certificate_for(
        actor=actor, certificate_id=certificate_id, permission="suppliers.change"
    )
    return services.certificate_withdraw(actor=actor, certificate=cert, reason=payload.reason)


@router.post(
    "/certificates/{certificate_id}/file",
    response=SupplierCertificateOut,
    tags=["certificates"],
    summary="Attach the certificate file (PDF, PNG or JPEG; checked by content)",
    openapi_extra=ONE_FILE,
)
def upload_certificate_file(request: HttpRequest, certificate_id: int) -> Certificate:
    actor = actor_of(request)
    cert = selectors.certificate_for(
        actor=actor, certificate_id=certificate_id, permission="certificates.upload"
    )
    upload = one_file(request)
    return services.certificate_attach_file(
        actor=actor, certificate=cert, content=upload.content or b"", filename=upload.name
    )


@router.get(
    "/certificates/{certificate_id}/file",
    tags=["certificates"],
    response={200: None},
    summary="Download the certificate file",
)
def download_certificate_file(request: HttpRequest, certificate_id: int) -> FileResponse:
    cert = selectors.certificate_for(actor=actor_of(request), certificate_id=certificate_id)
    return downloads.certificate_file_response(cert)
