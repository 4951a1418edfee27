"""conduct suppliers export [--format csv|xlsx] [--out FILE] [filters] — the supplier list as a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.suppliers import exporting
from conduct.apps.suppliers.models import Supplier


class Command(ConductCommand):
    help = gettext_noop("Export suppliers (every one, or filtered) as CSV or XLSX.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=exporting.FORMATS, default="csv")
        parser.add_argument("--out", type=Path, help=_("File to write (default: standard output for CSV)"))
        parser.add_argument("--country")
        parser.add_argument("--risk-band", choices=["low", "medium", "high", "critical"])
        parser.add_argument("--status")
        parser.add_argument("--tier", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        qs = Supplier.objects.select_related("org_unit").order_by(
            "name", "id"
        )  # the CLI is the system: every supplier
        if opts["country"]:
            qs = qs.filter(country=opts["country"].upper())
        if opts["risk_band"]:
            qs = qs.filter(risk_band=opts["risk_band"])
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["tier"]:
            qs = qs.filter(tier=opts["tier"])
        response = exporting.export_response(
            "suppliers", exporting.SUPPLIER_COLUMNS, qs.iterator(chunk_size=2000), opts["format"]
        )
        chunks = response.streaming_content if response.streaming else [response.content]  # type: ignore[union-attr]
        data = b"".join(c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks)
        if opts["out"]:
            opts["out"].write_bytes(data)
            self.stdout.write(_("Wrote %(out)s.") % {"out": opts["out"]})
        elif opts["format"] == "csv":
            sys.stdout.write(data.decode("utf-8"))
        else:
            self.stderr.write(_("XLSX needs --out FILE."))
