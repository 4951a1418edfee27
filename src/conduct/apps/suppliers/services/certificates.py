"""Writes to certificates: record, correct, withdraw, attach the certificate file (PDF, PNG or JPEG)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.suppliers.conf import file_max_bytes
from conduct.apps.suppliers.dates import DateProblem, parse_date
from conduct.apps.suppliers.ledger import SupplierAction
from conduct.apps.suppliers.models import Certificate, Supplier, SupplierSite
from conduct.apps.suppliers.reference import normalise_standard
from conduct.apps.suppliers.services._common import authorize_supplier, changed, touch
from conduct.apps.suppliers.services.risk import risk_refresh

# What a file's first bytes say it is; the name and the declared content type are not trusted.
_MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, mime, extension in _MAGIC:
        if content.startswith(magic):
            return mime, extension
    return None


def check_upload(content: bytes, field: str = "file") -> tuple[str, str]:
    """(content type, extension) of an acceptable upload, or Invalid naming the problem."""
    limit = file_max_bytes()
    if not content:
        raise Invalid(_("The file is empty."), fields={field: _("The file is empty.")})
    if len(content) > limit:
        raise Invalid(
            _("The file is too large."),
            fields={
                field: _("At most %(value)s MB (%(limit)s bytes); this one is %(count)s bytes.")
                % {"value": limit // (1024 * 1024), "limit": limit, "count": len(content)}
            },
        )
    kind = sniff(content)
    if kind is None:
        raise Invalid(
            _("The file is not a PDF, PNG or JPEG."), fields={field: _("Upload a PDF, PNG or JPEG file.")}
        )
    return kind


def _date(value: Any, field: str, errors: dict[str, str], *, required: bool) -> date | None:
    try:
        parsed = parse_date(value)
    except DateProblem as exc:
        errors[field] = str(exc)
        return None
    if parsed is None and required:
        errors[field] = _("Required.")
    return parsed


def _clean(fields: dict[str, Any], errors: dict[str, str], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, limit, required in (
        ("standard", 60, True),
        ("number", 100, True),
        ("issuer", 200, False),
        ("accreditation_body", 200, False),
    ):
        if field in fields or creating:
            text = " ".join(str(fields.get(field) or "").split())
            if required and not text:
                errors[field] = _("Required.")
            elif len(text) > limit:
                errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
            out[field] = normalise_standard(text) if field == "standard" and text else text
    if "scope" in fields or creating:
        out["scope"] = str(fields.get("scope") or "").strip()
    if "valid_from" in fields or creating:
        out["valid_from"] = _date(fields.get("valid_from"), "valid_from", errors, required=False)
    if "valid_until" in fields or creating:
        out["valid_until"] = _date(fields.get("valid_until"), "valid_until", errors, required=True)
    return out


def _sites(supplier: Supplier, site_ids: list[int] | None, errors: dict[str, str]) -> list[SupplierSite]:
    """The sites a certificate covers: each must be one of this supplier's own (the API and the pages
    alike)."""
    if not site_ids:
        return []
    wanted = set(site_ids)
    storable = [i for i in wanted if 0 < i < 2**63]  # beyond any id the database can hold: simply not a site
    sites = list(supplier.sites.filter(pk__in=storable)) if storable else []
    unknown = sorted(wanted - {s.pk for s in sites})
    if unknown:
        errors["sites"] = _("Sites must be sites of %(name)s; these are not: %(map)s.") % {
            "name": supplier.name,
            "map": ", ".join(map(str, unknown)),
        }
    return sites


@transaction.atomic
def certificate_create(
    *, actor: Actor, supplier: Supplier, site_ids: list[int] | None = None, **fields: Any
) -> Certificate:
    """standard, number, valid_until (required); issuer, accreditation_body, scope, valid_from; site_ids."""
    authorize_supplier(actor, "certificates.upload", supplier)
    errors: dict[str, str] = {}
    values = _clean(fields, errors, creating=True)
    sites = _sites(supplier, site_ids, errors)
    if (
        values.get("valid_from")
        and values.get("valid_until")
        and values["valid_until"] < values["valid_from"]
    ):
        errors["valid_until"] = _("Ends before it starts (valid_until is earlier than valid_from).")
    if errors:
        raise Invalid(_("The certificate is not valid."), fields=errors)
    if supplier.certificates.filter(standard=values["standard"], number=values["number"]).exists():
        raise Conflict(
            _("%(name)s already has %(standard)s certificate %(number)s.")
            % {"name": supplier.name, "standard": values["standard"], "number": values["number"]},
            fields={"number": _("Already recorded for this supplier and standard.")},
        )
    certificate = Certificate.objects.create(supplier=supplier, **values)
    certificate.sites.set(sites)
    touch(supplier)
    ledger_append(
        actor=actor,
        action=SupplierAction.CERTIFICATE_CREATE,
        object_type="certificate",
        object_id=certificate.pk,
        summary={
            "supplier": supplier.pk,
            **{k: v for k, v in values.items() if k != "scope"},
            "sites": [s.pk for s in sites],
        },
    )
    risk_refresh([supplier.pk])
    return certificate


@transaction.atomic
def certificate_update(
    *, actor: Actor, certificate: Certificate, site_ids: list[int] | None = None, **fields: Any
) -> Certificate:
    authorize_supplier(actor, "certificates.upload", certificate.supplier)
    if certificate.withdrawn_at is not None:
        raise Conflict(_("A withdrawn certificate cannot be changed; record the new certificate instead."))
    errors: dict[str, str] = {}
    values = _clean(fields, errors, creating=False)
    sites = _sites(certificate.supplier, site_ids, errors) if site_ids is not None else None
    valid_from = values.get("valid_from", certificate.valid_from)
    valid_until = values.get("valid_until", certificate.valid_until)
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("Ends before it starts (valid_until is earlier than valid_from).")
    if errors:
        raise Invalid(_("The certificate is not valid."), fields=errors)
    changes: dict[str, Any] = {}
    for field, value in values.items():
        changed(certificate, field, value, changes)
    if ("standard" in changes or "number" in changes) and certificate.supplier.certificates.filter(
        standard=certificate.standard, number=certificate.number
    ).exclude(pk=certificate.pk).exists():
        raise Conflict(_("Another certificate of this supplier has that standard and number."))
    if sites is not None and {s.pk for s in sites} != set(certificate.sites.values_list("pk", flat=True)):
        certificate.sites.set(sites)
        changes["sites"] = [s.pk for s in sites]
    if changes:
        certificate.updated_at = timezone.now()
        certificate.save()
        touch(certificate.supplier)
        ledger_append(
            actor=actor,
            action=SupplierAction.CERTIFICATE_UPDATE,
            object_type="certificate",
            object_id=certificate.pk,
            summary=changes,
        )
        risk_refresh([certificate.supplier_id])
    return certificate


@transaction.atomic
def certificate_withdraw(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """Withdrawn by the certification body (or found invalid): it no longer counts, whatever its dates say."""
    authorize_supplier(actor, "suppliers.change", certificate.supplier)
    if not (reason or "").strip():
        raise Invalid(_("Say why the certificate is withdrawn."), fields={"reason": _("Required.")})
    if certificate.withdrawn_at is not None:
        raise Conflict(_("The certificate is already withdrawn."))
    certificate.withdrawn_at = timezone.now()
    certificate.withdrawn_reason = reason.strip()
    certificate.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    ledger_append(
        actor=actor,
        action=SupplierAction.CERTIFICATE_WITHDRAW,
        object_type="certificate",
        object_id=certificate.pk,
        summary={"supplier": certificate.supplier_id, "reason": certificate.withdrawn_reason},
    )
    risk_refresh([certificate.supplier_id])
    return certificate


@transaction.atomic
def certificate_attach_file(
    *, actor: Actor, certificate: Certificate, content: bytes, filename: str
) -> Certificate:
    authorize_supplier(actor, "certificates.upload", certificate.supplier)
    mime, extension = check_upload(content)
    digest = hashlib.sha256(content).hexdigest()
    certificate.file.save(
        f"{certificate.supplier_id}-{certificate.pk}-{digest[:12]}.{extension}",
        ContentFile(content),
        save=False,
    )
    certificate.file_name = (filename or f"certificate.{extension}").rsplit("/", 1)[-1][:200]
    certificate.file_type = mime
    certificate.file_size = len(content)
    certificate.file_sha256 = digest
    certificate.updated_at = timezone.now()
    certificate.save()
    ledger_append(
        actor=actor,
        action=SupplierAction.CERTIFICATE_ATTACH_FILE,
        object_type="certificate",
        object_id=certificate.pk,
        summary={
            "supplier": certificate.supplier_id,
            "sha256": digest,
            "type": mime,
            "bytes": len(content),
            "name": certificate.file_name,
        },
    )
    return certificate
