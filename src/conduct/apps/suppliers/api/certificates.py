"""Certificates: list and export, record, change, withdraw, and their files."""

from datetime import date, datetime
from typing import Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts.models import User
from conduct.apps.apikit import DbId, Page
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
    read_actor,
    role_gate,
    unit_ref,
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


def _cert_filters(actor: User, query: SupplierCertificateQuery) -> selectors.CertificateFilters:
    unit = unit_ref(actor, query.org_unit)
    return selectors.CertificateFilters(
        supplier=query.supplier,
        standard=query.standard,
        status=query.status,
        org_unit=unit.pk if unit else None,
        expires_before=query.expires_before,
    )


@router.get("/certificates", response=list[SupplierCertificateOut], tags=["certificates"])
@paginate(Page)
def list_certificates(request: HttpRequest, filters: Query[SupplierCertificateQuery]) -> object:
    actor = read_actor(request)
    return selectors.certificate_list(actor=actor, filters=_cert_filters(actor, filters)).prefetch_related(
        "sites"
    )


class SupplierCertificateExportQuery(SupplierCertificateQuery):
    format: Format = "csv"


@router.get(
    "/certificates/export",
    tags=["certificates"],
    response={200: None},
    summary="The certificate list as CSV or XLSX, with the list's filters",
)
def export_certificates(request: HttpRequest, filters: Query[SupplierCertificateExportQuery]) -> HttpResponse:
    actor = read_actor(request)
    rows = selectors.certificate_list(actor=actor, filters=_cert_filters(actor, filters))
    return exporting.export_response(
        "certificates", exporting.CERTIFICATE_COLUMNS, rows.iterator(chunk_size=2000), filters.format
    )


@router.post(
    "/suppliers/{supplier_id}/certificates", response={201: SupplierCertificateOut}, tags=["certificates"]
)
def create_certificate(request: HttpRequest, supplier_id: int, payload: SupplierCertificateIn) -> Status:
    actor = role_gate(request, "certificates.upload")
    supplier = selectors.supplier_get(actor=actor, supplier_id=supplier_id)
    data = payload.dict()
    sites = data.pop("sites")
    return Status(201, services.certificate_create(actor=actor, supplier=supplier, site_ids=sites, **data))


@router.get("/certificates/{certificate_id}", response=SupplierCertificateOut, tags=["certificates"])
def get_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return selectors.certificate_get(actor=read_actor(request), certificate_id=certificate_id)


@router.patch("/certificates/{certificate_id}", response=SupplierCertificateOut, tags=["certificates"])
def update_certificate(
    request: HttpRequest, certificate_id: int, payload: SupplierCertificatePatch
) -> Certificate:
    actor = role_gate(request, "certificates.upload")
    cert = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
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
    actor = role_gate(request, "suppliers.change")
    cert = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    return services.certificate_withdraw(actor=actor, certificate=cert, reason=payload.reason)


@router.post(
    "/certificates/{certificate_id}/file",
    response=SupplierCertificateOut,
    tags=["certificates"],
    summary="Attach the certificate file (PDF, PNG or JPEG; checked by content)",
    openapi_extra=ONE_FILE,
)
def upload_certificate_file(request: HttpRequest, certificate_id: int) -> Certificate:
    actor = role_gate(request, "certificates.upload")
    cert = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
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
    cert = selectors.certificate_get(actor=read_actor(request), certificate_id=certificate_id)
    return downloads.certificate_file_response(cert)
