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

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.workforce import services
from conduct.apps.workforce.management._cli import actor_for, dumps, fail


class Command(ConductCommand):
    help = gettext_noop("Check (and with --commit, store) a working-time file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help=_("Store the weeks (default: only check)"))
        parser.add_argument(
            "--as", dest="as_user", help=_("Record as this user (default: the operator, 'cli')")
        )
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
                _(
                    "%(site)s: %(worker_weeks)s worker-weeks, %(non_compliant)s over a limit "
                    "(regular %(over_regular)s, overtime %(over_overtime)s, no rest day "
                    "%(no_rest_day)s); compliant share %(compliant_share)s"
                )
                % {
                    "site": s["site"],
                    "worker_weeks": s["worker_weeks"],
                    "non_compliant": s["non_compliant"],
                    "over_regular": s["over_regular"],
                    "over_overtime": s["over_overtime"],
                    "no_rest_day": s["no_rest_day"],
                    "compliant_share": format(s["compliant_share"], ".2%"),
                }
            )
        for w in report.worst_weeks:
            self.stdout.write(
                _(
                    "  worst: row %(row)s %(site)s week of %(week_start)s: %(hours)s h, "
                    "%(rest_days)s rest days (%(limits)s)"
                )
                % {
                    "row": w["row"],
                    "site": w["site"],
                    "week_start": w["week_start"],
                    "hours": w["hours"],
                    "rest_days": w["rest_days"],
                    "limits": ", ".join(w["limits"]),
                }
            )
        for f in report.findings:
            self.stdout.write(
                _("finding %(finding)s at %(site)s, corrective action %(corrective_action)s for %(owner)s")
                % {
                    "finding": f["finding"],
                    "site": f["site"],
                    "corrective_action": f["corrective_action"],
                    "owner": f["owner"],
                }
            )
        self.stdout.write(
            _("imported as %(import_id)s") % {"import_id": report.import_id}
            if report.committed
            else _("checked only: nothing stored (add --commit)")
        )
