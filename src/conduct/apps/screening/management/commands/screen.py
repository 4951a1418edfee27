"""conduct screen "NAME" [--type T] [--country CC] [--birth-date D] [--json] [--threshold X] [--limit K]
conduct screen --input names.csv --output results.jsonl [--threshold X] [--limit K]

Screens names against every loaded list. The batch input is a CSV with a header: id,name[,type][,country]
[,birth_date] (other columns are ignored). The output has one JSON line per input row, in input order:
{"id": ..., "matches": [{"list", "entry_id", "name", "matched_name", "score", "explanation"}]}, matches best
first and only those at or above the threshold (default: the alert threshold, 0.80). A bad row is reported
on stderr by its line and gets {"id": ..., "error": "line N: ..."} in place of its matches; the other rows
go on. Exit codes: 0 done, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.screening import indexes
from conduct.apps.screening.selectors import screening_search
from conduct.apps.screening.serialize import batch_match, match_dict
from conduct.apps.screening.values import clean_birth_date, clean_country, clean_entity_type, clean_name
from conduct.core.screening import Query
from conduct.core.thresholds import ALERT_THRESHOLD
from conduct.pipeline.output import error_lines, no_lists, screen_json, screen_lines
from conduct.progress import QUIET, Bar, progress_bar

USAGE = 2
PROGRESS_EVERY = 500
LARGE = 1000  # inputs with more rows than this report progress on stderr
COLUMNS = ("id", "name", "type", "country", "birth_date")


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(text)s is not a number") % {"text": repr(text)}) from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(_("must be above 0 and at most 1"))
    return value


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(text)s is not a whole number") % {"text": repr(text)}) from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(_("must be between 1 and 100"))
    return value


class Command(ConductCommand):
    help = gettext_noop(
        "Screen one name, or a CSV of names (--input/--output), against the loaded watch lists."
    )
    # called by pipelines on every build: Django's system checks import every URL and API module (1-2 s);
    # they run at server start and in `conduct check` instead
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help=_("The name to screen"))
        parser.add_argument("--type", dest="entity_type", help=_("person, organization, vessel, aircraft"))
        parser.add_argument("--country", help=_("ISO 3166-1 alpha-2 code (or a country name)"))
        parser.add_argument("--birth-date", dest="birth_date", help=_("YYYY, YYYY-MM or YYYY-MM-DD"))
        parser.add_argument("--json", action="store_true", help=_("Print the matches as JSON"))
        parser.add_argument("--input", help=_("CSV of names: id,name[,type][,country][,birth_date]"))
        parser.add_argument("--output", help=_("Where to write JSON lines (default: standard output)"))
        parser.add_argument(
            "--threshold",
            type=_threshold,
            default=None,
            help=_("Least score reported (default %(threshold)s)") % {"threshold": ALERT_THRESHOLD},
        )
        parser.add_argument(
            "--limit", type=_limit, default=10, help=_("Matches per name, best first (default 10)")
        )

    def usage(self, message: str) -> None:
        self.stderr.write(_("error: %(message)s") % {"message": message})
        sys.exit(USAGE)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["input"] and opts["name"]:
            self.usage(_("give a NAME or --input FILE, not both"))
        if opts["input"]:
            if opts["json"] or opts["entity_type"] or opts["country"] or opts["birth_date"]:
                self.usage(
                    _(
                        "--type, --country, --birth-date and --json are for one name; "
                        "a batch reads them per row"
                    )
                )
            self.batch(opts)
            return
        if opts["output"]:
            self.usage(_("--output goes with --input"))
        if not opts["name"]:
            self.usage(_("give a NAME to screen, or --input names.csv --output results.jsonl"))
        self.single(opts)

    # --- one name --------------------------------------------------------------------------------

    def single(self, opts: dict[str, Any]) -> None:
        lists = indexes.current_lists()
        if not lists:
            self.stderr.write(no_lists())
        threshold = opts["threshold"] if opts["threshold"] is not None else ALERT_THRESHOLD
        try:
            found = screening_search(
                actor=CLI,
                name=opts["name"],
                entity_type=opts["entity_type"],
                country=opts["country"],
                birth_date=opts["birth_date"],
                limit=opts["limit"],
                threshold=threshold,
            )
        except ServiceError as exc:
            for line in error_lines(exc.message, exc.fields):
                self.stderr.write(line)
            sys.exit(USAGE)
        listed = [{"list": c.name, "version": c.version.number} for c in lists]
        matches = [match_dict(m) for m in found]
        if opts["json"]:
            query = {
                "name": opts["name"],
                "type": opts["entity_type"],
                "country": opts["country"],
                "birth_date": opts["birth_date"],
            }
            self.stdout.write(screen_json(query, threshold, listed, matches))
            return
        for line in screen_lines(opts["name"], threshold, listed, matches):
            self.stdout.write(line)

    # --- a batch ---------------------------------------------------------------------------------

    def _rows(self, path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            self.usage(f"{path}: {exc.strerror or exc}")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.usage(_("%(path)s: not UTF-8 text (byte %(start)s)") % {"path": path, "start": exc.start})
        reader = csv.reader(io.StringIO(text, newline=""))
        rows: list[tuple[int, list[str]]] = []
        line = 1
        try:
            for row in reader:
                start, line = line, reader.line_num + 1
                if row and any(cell.strip() for cell in row):
                    rows.append((start, row))
        except csv.Error as exc:
            self.usage(
                _("%(path)s: line %(line_num)s: malformed CSV (%(exc)s)")
                % {"path": path, "line_num": reader.line_num, "exc": exc}
            )
        if not rows:
            self.usage(
                _("%(path)s: empty; expected a header id,name[,type][,country][,birth_date]") % {"path": path}
            )
        header_line, header = rows[0]
        header = [cell.strip().lower() for cell in header]
        missing = [c for c in ("id", "name") if c not in header]
        if missing:
            self.usage(
                _(
                    "%(path)s: line %(header_line)s: the header lacks %(missing)s (expected "
                    "id,name[,type][,country][,birth_date])"
                )
                % {"path": path, "header_line": header_line, "missing": ", ".join(missing)}
            )
        if len(set(header)) != len(header):
            self.usage(
                _("%(path)s: line %(header_line)s: the header repeats a column")
                % {"path": path, "header_line": header_line}
            )
        return header, rows[1:]

    def batch(self, opts: dict[str, Any]) -> None:
        header, rows = self._rows(opts["input"])
        threshold = opts["threshold"] if opts["threshold"] is not None else ALERT_THRESHOLD
        lists = indexes.current_lists()
        if not lists:
            self.stderr.write(no_lists())
        started = time.perf_counter()
        with contextlib.ExitStack() as stack:
            out: IO[str] | None = None
            if opts["output"] and opts["output"] != "-":
                try:
                    out = stack.enter_context(Path(opts["output"]).open("w", encoding="utf-8", newline="\n"))
                except OSError as exc:
                    self.usage(f"{opts['output']}: {exc.strerror or exc}")
            bad, matched = self._screen_rows(opts, header, rows, lists, threshold, out)
        elapsed = time.perf_counter() - started
        self.stderr.write(
            ngettext(
                "screened %(value)s of %(count)s rows in %(elapsed)ss: %(matched)s with matches "
                "at or above %(threshold)s, %(bad)s bad row.",
                "screened %(value)s of %(count)s rows in %(elapsed)ss: %(matched)s with matches "
                "at or above %(threshold)s, %(bad)s bad rows.",
                bad,
            )
            % {
                "value": len(rows) - bad,
                "count": len(rows),
                "elapsed": format(elapsed, ".1f"),
                "matched": matched,
                "threshold": format(threshold, ".2f"),
                "bad": bad,
            }
        )

    def _screen_rows(
        self,
        opts: dict[str, Any],
        header: list[str],
        rows: list[tuple[int, list[str]]],
        lists: list[Any],
        threshold: float,
        out: IO[str] | None,
    ) -> tuple[int, int]:
        """Screen each row, writing its line as it goes; returns (bad rows, rows with matches)."""

        def emit(record: dict[str, Any]) -> None:
            text = json.dumps(record, ensure_ascii=False)
            if out is None:
                self.stdout.write(text)
            else:
                out.write(text + "\n")

        with progress_bar(_("Screening"), total=len(rows), quiet=out is None) as bar:  # not over stdout
            return self._screen_each(opts, header, rows, lists, threshold, emit, bar)

    def _screen_each(
        self,
        opts: dict[str, Any],
        header: list[str],
        rows: list[tuple[int, list[str]]],
        lists: list[Any],
        threshold: float,
        emit: Callable[[dict[str, Any]], None],
        bar: Bar,
    ) -> tuple[int, int]:
        started = time.perf_counter()
        bad = matched = 0
        large = len(rows) > LARGE and bar is QUIET  # a bar, when drawn, says it instead of the lines
        for done, (line, row) in enumerate(rows, start=1):
            bar.advance()
            record = dict(zip(header, (cell.strip() for cell in row), strict=False))
            row_id = record.get("id") or None
            errors: dict[str, str] = {}
            if len(row) != len(header):
                errors["row"] = _("expected %(count)s columns, found %(count2)s") % {
                    "count": len(header),
                    "count2": len(row),
                }
            else:
                if not row_id:
                    errors["id"] = _("required")
                name = clean_name(record.get("name"), errors)
                kind = clean_entity_type(record.get("type"), errors, "type")
                country = clean_country(record.get("country"), errors)
                born = clean_birth_date(record.get("birth_date"), errors)
            if errors:
                bad += 1
                reason = "; ".join(f"{field}: {why}" for field, why in errors.items())
                self.stderr.write(
                    _("%(input)s: line %(line)s: %(reason)s")
                    % {"input": opts["input"], "line": line, "reason": reason}
                )
                emit({"id": row_id, "error": f"line {line}: {reason}"})
            else:
                query = Query(
                    name, entity_type=kind or None, country=country or None, birth_date=born or None
                )
                found = indexes.search(lists, query, threshold=threshold, limit=opts["limit"])
                matched += bool(found)
                emit({"id": row_id, "matches": [batch_match(m) for m in found]})
            if large and done % PROGRESS_EVERY == 0:
                rate = done / max(time.perf_counter() - started, 1e-9)
                self.stderr.write(
                    _("screened %(done)s of %(count)s rows (%(rate)s/s)")
                    % {"done": done, "count": len(rows), "rate": format(rate, ".0f")}
                )
        return bad, matched
