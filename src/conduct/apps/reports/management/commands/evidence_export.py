"""conduct evidence export --out FILE.zip [--from DATE] [--to DATE] [--case ID ...] [--gate-decision ID ...]

Writes a signed evidence bundle as the CLI (every record); docs/evidence.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.reports.evidence import evidence_export


def _date(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(flag)s %(text)s: expected a date YYYY-MM-DD") % {"flag": flag, "text": repr(text)}
        ) from None


def _id(flag: str, text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2**63 - 1:
        raise CommandError(
            _("%(flag)s %(text)s: expected a record id (a positive whole number)")
            % {"flag": flag, "text": repr(text)}
        )
    return int(text)


class Command(ConductCommand):
    help = gettext_noop(
        "Write a signed evidence bundle (cases, votes, decisions, documents, gate decisions, "
        "the ledger entries that record them and signed checkpoints). Check it with `conduct "
        "evidence verify`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help=_("the zip file to write"))
        parser.add_argument(
            "--from", dest="date_from", help=_("cases opened / decisions made on or after (UTC)")
        )
        parser.add_argument("--to", dest="date_to", help=_("... on or before this date (UTC)"))
        parser.add_argument("--case", action="append", default=[], help=_("a case id (repeatable)"))
        parser.add_argument(
            "--gate-decision", action="append", default=[], help=_("a gate decision id (repeatable)")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        out = Path(opts["out"])
        if out.is_dir() or not out.parent.is_dir():
            raise CommandError(_("--out %(out)s: not a file in an existing folder") % {"out": out})
        date_from, date_to = _date("--from", opts["date_from"]), _date("--to", opts["date_to"])
        cases = [_id("--case", v) for v in opts["case"]]
        decisions = [_id("--gate-decision", v) for v in opts["gate_decision"]]
        try:
            bundle = evidence_export(
                actor=CLI, date_from=date_from, date_to=date_to, case_ids=cases, gate_decision_ids=decisions
            )
        except ServiceError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        try:
            out.write_bytes(bundle.data)
        except OSError as exc:
            raise CommandError(
                _("--out %(out)s: %(strerror)s") % {"out": out, "strerror": exc.strerror}
            ) from None
        self.stdout.write(
            _(
                "Wrote %(out)s: %(cases)s cases, %(gate_decisions)s gate decisions, %(entries)s "
                "ledger entries. Check it with: conduct evidence verify %(out2)s"
            )
            % {
                "out": out,
                "cases": bundle.cases,
                "gate_decisions": bundle.gate_decisions,
                "entries": bundle.entries,
                "out2": out,
            }
        )
