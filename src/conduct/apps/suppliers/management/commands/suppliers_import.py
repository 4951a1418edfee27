"""conduct suppliers import FILE [FILE ...] [--commit] [--unit CODE] — check, and with --commit import,
supplier files.

Without --commit it is a preview: every problem is printed by file, row and column, nothing changes, and the
command exits 1 when there are problems. With --commit a clean set of files is imported in one transaction
(a set with any problem imports nothing, exit 1); then the imported suppliers go through the "suppliers
changed" pipeline (screening registers them) and every supplier's risk is recomputed, once, here and now.
New suppliers go to --unit, or else to the top of the organisation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers.services import ImportSource, import_followup, supplier_import
from conduct.pipeline.output import (
    import_committed,
    import_previewed,
    import_problems,
    import_report_json,
    import_report_lines,
)
from conduct.progress import progress_bar


class Command(ConductCommand):
    help = gettext_noop(
        "Check (preview) or import (--commit) CSV/XLSX files of suppliers, sites, certificates and relations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--commit", action="store_true", help=_("Import when there is no problem (all or nothing)")
        )
        parser.add_argument(
            "--unit", help=_("Org unit code for new suppliers (default: the top of the organisation)")
        )
        parser.add_argument("--json", action="store_true", help=_("Print the report as JSON"))
        parser.add_argument("--no-risk", action="store_true", help=_("Do not recompute risk after importing"))

    def handle(self, *args: Any, **opts: Any) -> None:
        sources = []
        for path in opts["files"]:
            if not path.is_file():
                raise CommandError(_("%(path)s: no such file") % {"path": path})
            sources.append(ImportSource(name=path.name, path=path))
        unit = None
        if opts["unit"]:
            unit = OrgUnit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(_("--unit %(unit)s: no such org unit") % {"unit": repr(opts["unit"])})
        with progress_bar(_("Importing suppliers"), quiet=opts["json"]) as bar:
            bar.stage(_("checking and importing the files") if opts["commit"] else _("checking the files"))
            try:
                report = supplier_import(
                    actor=CLI, sources=sources, commit=opts["commit"], unit=unit, queue_followup=False
                )
            except ServiceError as exc:
                raise CommandError(exc.message) from None
        data = report.to_dict()
        self._print(data, as_json=opts["json"])
        if not report.ok:
            raise CommandError(import_problems(data), returncode=1)
        if not report.committed:
            self.stdout.write(import_previewed(data))
            return
        self.stdout.write(self.style.SUCCESS(import_committed(data)))
        with progress_bar(_("Screening and scoring the imported suppliers"), quiet=opts["json"]):
            summary = import_followup(
                actor=CLI, supplier_ids=report.changed_suppliers, recompute=not opts["no_risk"]
            )
        if summary is not None:
            self.stdout.write(
                _("Risk recomputed for %(suppliers)s suppliers in %(seconds)s s: %(bands)s")
                % {"suppliers": summary.suppliers, "seconds": summary.seconds, "bands": summary.bands}
            )

    def _print(self, report: dict[str, Any], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(import_report_json(report))
            return
        for line in import_report_lines(report):
            self.stdout.write(line)
