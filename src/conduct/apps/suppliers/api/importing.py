"""Importing suppliers, sites, certificates and relations (preview or commit), and the full risk recompute."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema, Status

from conduct.apps.apikit import actor_of, decode_base64, json_object_body
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import selectors, services
from conduct.apps.suppliers.api import router


class SupplierImportOut(Schema):
    ok: bool
    committed: bool
    files: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    problem_count: int
    problems: list[dict[str, Any]]
    truncated: bool
    seconds: float


def _uploads(request: HttpRequest) -> list[services.ImportSource]:
    """Files to import: multipart `file` parts, a text/csv body, or JSON {"files": [{"name", "content" (text)
    or "content_base64"}]}."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        return [
            services.ImportSource(name=f.name or "upload", content=f.read())
            for f in request.FILES.getlist("file")
        ]
    if content_type == "text/csv":
        return [services.ImportSource(name="upload.csv", content=request.body)] if request.body else []
    items = json_object_body(request).get("files")
    if not isinstance(items, list):
        raise Invalid(
            _("`files` must be a list."), fields={"files": _("Expected a list of {name, content}.")}
        )
    sources = []
    for index, item in enumerate(items):
        where = f"files[{index}]"
        if not isinstance(item, dict):
            raise Invalid(_("Each file is an object."), fields={where: _("Expected {name, content}.")})
        name = item.get("name") or f"upload-{index + 1}"
        if not isinstance(name, str):
            raise Invalid(_("A file name is text."), fields={f"{where}.name": _("Expected a string.")})
        if isinstance(item.get("content"), str):
            data = item["content"].encode("utf-8")
        else:
            data = decode_base64(item.get("content_base64"), f"{where}.content_base64")
        sources.append(services.ImportSource(name=name[:200], content=data))
    return sources


@router.post(
    "/suppliers/import",
    response=SupplierImportOut,
    summary=(
        "Check (preview) or import (commit=true) CSV/XLSX files of suppliers, sites, certificates, relations"
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "array", "items": {"type": "string", "format": "binary"}}
                        },
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                        "content": {"type": "string"},
                                        "content_base64": {"type": "string"},
                                    },
                                },
                            }
                        },
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
def import_suppliers(
    request: HttpRequest, commit: bool = False, org_unit: str | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    unit = selectors.unit_ref(actor=actor, ref=org_unit, permission="suppliers.import")
    report = services.supplier_import(actor=actor, sources=_uploads(request), commit=commit, unit=unit)
    return report.to_dict(problem_limit=5000)


class RiskRecomputeQueued(Schema):
    queued: bool
    task: str


@router.post(
    "/suppliers/risk/recompute",
    response={202: RiskRecomputeQueued},
    summary="Rescore every supplier (queued)",
)
def recompute_risk(request: HttpRequest) -> Status:
    task = services.risk_recompute_queue(actor=actor_of(request))
    return Status(202, {"queued": True, "task": task})
