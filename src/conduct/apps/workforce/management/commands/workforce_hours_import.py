"""conduct workforce hours import FILE [--commit] [--json] [--as USER]

FILE: CSV site,worker_ref,week_start,regular_hours,overtime_hours,rest_days. Checks every worker-week against
SA8000 clause 7 (settings) and reports per site; stores nothing without --commit. All or nothing: any bad
row refuses the file with one line naming every problem by row and column (exit 1). `--json`:
{"sites": [{"site", "worker_weeks", "non_compliant", "over_regular", "over_overtime", "no_rest_day",
"compliant_share"}]}.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conduct.apps.errors import ServiceError
from conduct.apps.workforce import services
from conduct.apps.workforce.management._cli import actor_for, dumps, fail


class Command(BaseCommand):
    help = "Check (and with --commit, store) a working-time file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="Store the weeks (default: only check)")
        parser.add_argument("--as", dest="as_user", help="Record as this user (default: the operator, 'cli')")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{opts['file']}: {getattr(exc, 'strerror', None) or exc}") from None
        try:
            report = services.hours_import(
                actor=actor_for(opts["as_user"]), text=text, commit=opts["commit"], file_name=path.name
            )
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            self.stdout.write(dumps(report.as_json()))
            return
        self._text(report)

    def _text(self, report: services.HoursReport) -> None:
        for s in report.sites:
            self.stdout.write(
                f"{s['site']}: {s['worker_weeks']} worker-weeks, {s['non_compliant']} over a limit "
                f"(regular {s['over_regular']}, overtime {s['over_overtime']}, "
                f"no rest day {s['no_rest_day']}); "
                f"compliant share {s['compliant_share']:.2%}"
            )
        for w in report.worst_weeks:
            self.stdout.write(
                f"  worst: row {w['row']} {w['site']} week of {w['week_start']}: {w['hours']} h, "
                f"{w['rest_days']} rest days ({', '.join(w['limits'])})"
            )
        for f in report.findings:
            self.stdout.write(
                f"finding {f['finding']} at {f['site']}, "
                f"corrective action {f['corrective_action']} for {f['owner']}"
            )
        self.stdout.write(
            f"imported as {report.import_id}"
            if report.committed
            else "checked only: nothing stored (add --commit)"
        )
