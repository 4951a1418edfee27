"""Every list exports to CSV (streamed) and XLSX, with the list's current filters: one column spec per
list."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from conduct.apps import csvsafe
from conduct.apps.errors import Invalid

FORMATS = ("csv", "xlsx")
Column = tuple[str, Callable[[Any], Any]]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    """The cell as the CSV writes it (dates in ISO form); `csvsafe.writer` protects formula-like text."""
    value = _cell(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_response(
    name: str, columns: list[Column], rows: Iterable[Any], fmt: str
) -> HttpResponse | StreamingHttpResponse:
    if fmt not in FORMATS:
        raise Invalid(gettext("Unknown export format."), fields={"format": gettext("Expected csv or xlsx.")})
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        writer = csvsafe.writer(_Echo())

        def lines() -> Iterator[str]:
            yield "\ufeff" + writer.writerow([h for h, _ in columns])
            for row in rows:
                yield writer.writerow([_csv_text(get(row)) for _, get in columns])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    sheet.append([h for h, _ in columns])
    for row in rows:
        # Text a spreadsheet would read as a formula is stored as text, as in the CSV.
        sheet.append(csvsafe.safe_row(_cell(get(row)) for _, get in columns))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


SUPPLIER_COLUMNS: list[Column] = [
    ("id", lambda s: s.pk),
    ("external_id", lambda s: s.external_id),
    ("name", lambda s: s.name),
    ("country", lambda s: s.country),
    ("region", lambda s: s.region),
    ("categories", lambda s: s.category_list),
    ("tier", lambda s: s.tier),
    ("status", lambda s: s.status),
    ("org_unit", lambda s: s.org_unit.code),
    ("registration_id", lambda s: s.registration_id),
    ("risk_score", lambda s: s.risk_score),
    ("risk_band", lambda s: s.risk_band),
    ("designated_region", lambda s: s.designated_region),
    ("updated_at", lambda s: s.updated_at),
]
PORTAL_SUPPLIER_COLUMNS: list[Column] = [c for c in SUPPLIER_COLUMNS if not c[0].startswith("risk_")]
CERTIFICATE_COLUMNS: list[Column] = [
    ("id", lambda c: c.pk),
    ("supplier_external_id", lambda c: c.supplier.external_id),
    ("supplier", lambda c: c.supplier.name),
    ("standard", lambda c: c.standard),
    ("number", lambda c: c.number),
    ("issuer", lambda c: c.issuer),
    ("accreditation_body", lambda c: c.accreditation_body),
    ("valid_from", lambda c: c.valid_from),
    ("valid_until", lambda c: c.valid_until),
    ("status", lambda c: c.status),
    ("file_sha256", lambda c: c.file_sha256),
]
ACTION_COLUMNS: list[Column] = [
    ("id", lambda a: a.pk),
    ("supplier", lambda a: a.supplier.name),
    ("org_unit", lambda a: a.supplier.org_unit.code),
    ("finding", lambda a: a.finding_id),
    ("severity", lambda a: a.finding.severity),
    ("requirement", lambda a: a.finding.requirement),
    ("action", lambda a: a.action),
    ("owner", lambda a: a.owner),
    ("due_date", lambda a: a.due_date),
    ("status", lambda a: a.status),
    ("overdue", lambda a: a.is_overdue),
    ("root_cause", lambda a: a.root_cause),
    ("evidence", lambda a: a.evidence),
]
AUDIT_COLUMNS: list[Column] = [
    ("id", lambda a: a.pk),
    ("supplier", lambda a: a.supplier.name),
    ("kind", lambda a: a.kind),
    ("date", lambda a: a.date),
    ("auditor", lambda a: a.auditor),
    ("scope", lambda a: a.scope),
    ("findings", lambda a: a.finding_count),
    ("open_findings", lambda a: a.open_findings),
]
RESPONSE_COLUMNS: list[Column] = [
    ("id", lambda r: r.pk),
    ("supplier", lambda r: r.supplier.name),
    ("template", lambda r: r.template_key),
    ("status", lambda r: r.status),
    ("score", lambda r: r.score),
    ("sent_at", lambda r: r.sent_at),
    ("due_date", lambda r: r.due_date),
    ("submitted_at", lambda r: r.submitted_at),
    ("flags", lambda r: len(r.flags)),
]
