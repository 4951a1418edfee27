"""Working time: a CSV of worker-weeks checked against SA8000 clause 7 (settings.WORKFORCE), reported per
site, and stored only with `--commit` (all or nothing; every problem named by row and column).

Worker references are pseudonymous and are kept only as their keyed hash (workforce.keys). A site whose share
of non-compliant worker-weeks in the file is above WORKTIME_FINDING_PERCENT gets a finding with a corrective
action for the site's liaison (suppliers' own-site records, through the `own_site_finding_raise` provider).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.scoping import authorize, unit_in_scope
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import raise_if
from conduct.apps.workforce.keys import worker_hash
from conduct.apps.workforce.models import HoursImport, OwnSite, WorkerWeek
from conduct.apps.workforce.services._common import WorkforceAction, who
from conduct.events import suppliers as supplier_records

COLUMNS = ("site", "worker_ref", "week_start", "regular_hours", "overtime_hours", "rest_days")
MAX_ROWS = 100_000
MAX_WEEK_HOURS = Decimal(168)
LIMIT_REQUIREMENTS = {  # the SA8000 clause each limit comes from (data/frameworks/sa8000.yaml)
    "over_regular": "urn:conduct:sa8000:SA8000-7.a",
    "no_rest_day": "urn:conduct:sa8000:SA8000-7.b",
    "over_overtime": "urn:conduct:sa8000:SA8000-7.c",
}


@dataclass(frozen=True)
class Limits:
    regular: int
    overtime: int
    rest_days: int

    @classmethod
    def from_settings(cls) -> Limits:
        conf = settings.WORKFORCE
        return cls(conf["REGULAR_HOURS_MAX"], conf["OVERTIME_HOURS_MAX"], conf["REST_DAYS_MIN"])


@dataclass
class Week:
    site: OwnSite
    worker: str  # the keyed hash
    week_start: date
    regular: Decimal
    overtime: Decimal
    rest_days: int
    row: int
    over_regular: bool = False
    over_overtime: bool = False
    no_rest_day: bool = False

    def check(self, limits: Limits) -> None:
        self.over_regular = self.regular > limits.regular
        self.over_overtime = self.overtime > limits.overtime
        self.no_rest_day = self.rest_days < limits.rest_days

    @property
    def limits_over(self) -> list[str]:
        return [name for name in ("over_regular", "over_overtime", "no_rest_day") if getattr(self, name)]


@dataclass
class HoursReport:
    """The per-site counts (`sites`, the exact JSON of the CLI's --json), the worst weeks, and what a
    committed import stored and raised."""

    sites: list[dict[str, Any]]
    worst_weeks: list[dict[str, Any]]
    committed: bool = False
    import_id: int | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"sites": self.sites}


def _decimal(text: str, column: str, row: int, errors: dict[str, str]) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[f"row {row}.{column}"] = _("A number of hours (e.g. 40 or 7.5).")
        return None
    if not value.is_finite() or value < 0 or value > MAX_WEEK_HOURS or value != round(value, 2):
        errors[f"row {row}.{column}"] = _("Hours from 0 to 168, at most two decimals.")
        return None
    return value


def _week_start(text: str, row: int, errors: dict[str, str]) -> date | None:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors[f"row {row}.week_start"] = _("A date as YYYY-MM-DD.")
        return None
    if value > timezone.localdate():
        errors[f"row {row}.week_start"] = _("The week has not begun yet.")
        return None
    return value


def _rest_days(text: str, row: int, errors: dict[str, str]) -> int | None:
    if not text.isdigit() or int(text) > 7:
        errors[f"row {row}.rest_days"] = _("A whole number of days from 0 to 7.")
        return None
    return int(text)


def _sites(actor: Actor, codes: set[str]) -> dict[str, OwnSite]:
    """The sites of the file the actor may import for (others read as unknown: no hint they exist)."""
    found = OwnSite.objects.select_related("org_unit", "liaison").filter(code__in=codes)
    if isinstance(actor, SystemActor):
        return {s.code: s for s in found}
    return {s.code: s for s in found if not actor.is_portal and unit_in_scope(actor, s.org_unit)}


def _row(values: dict[str, str], row: int, sites: dict[str, OwnSite], errors: dict[str, str]) -> Week | None:
    before = len(errors)
    if any("\x00" in v for v in values.values()):
        errors[f"row {row}"] = _("NUL bytes are not allowed.")
        return None
    site = sites.get(values["site"])
    if site is None:
        errors[f"row {row}.site"] = _("No own site %(code)r that you may import for.") % {
            "code": values["site"]
        }
    ref = values["worker_ref"]
    if not ref or len(ref) > 100:
        errors[f"row {row}.worker_ref"] = _("A pseudonymous worker reference of 1-100 characters.")
    week = _week_start(values["week_start"], row, errors)
    regular = _decimal(values["regular_hours"], "regular_hours", row, errors)
    overtime = _decimal(values["overtime_hours"], "overtime_hours", row, errors)
    rest = _rest_days(values["rest_days"], row, errors)
    if regular is not None and overtime is not None and regular + overtime > MAX_WEEK_HOURS:
        errors[f"row {row}.overtime_hours"] = _("Regular and overtime hours add up to more than 168.")
    if len(errors) > before:
        return None
    assert site is not None and week is not None and regular is not None and overtime is not None
    assert rest is not None
    return Week(site, worker_hash(ref), week, regular, overtime, rest, row)


def _rows(text: str) -> list[dict[str, Any]]:
    """The file's rows as dicts, or Invalid when the header is not COLUMNS or the CSV cannot be read."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = tuple(c.strip() for c in (reader.fieldnames or ()))
        if header != COLUMNS:
            raise_if(
                {"header": _("Expected the columns %(cols)s.") % {"cols": ",".join(COLUMNS)}}, _("Bad file.")
            )
        return list(reader)
    except csv.Error as exc:
        raise_if({f"row {reader.line_num}": _("Not readable as CSV: %(why)s") % {"why": exc}}, _("Bad file."))
        raise  # unreachable: raise_if raised


def hours_parse(*, actor: Actor, text: str) -> list[Week]:
    """Every row of the file as a checked worker-week, or Invalid naming each problem by row and column
    (row 1 is the header, as a spreadsheet numbers it)."""
    authorize(actor, "workforce.hours")
    limits = Limits.from_settings()
    raw = _rows(text)
    errors: dict[str, str] = {}
    if len(raw) > MAX_ROWS:
        raise_if({"file": _("At most %(n)d rows per file.") % {"n": MAX_ROWS}}, _("The file is too long."))
    sites = _sites(actor, {(r.get("site") or "").strip() for r in raw})
    weeks: list[Week] = []
    seen: dict[tuple[int, str, date], int] = {}
    for row, values in enumerate(raw, start=2):
        if None in values or any(values.get(c) is None for c in COLUMNS):
            errors[f"row {row}"] = _("Expected %(n)d columns.") % {"n": len(COLUMNS)}
            continue
        week = _row({c: values[c].strip() for c in COLUMNS}, row, sites, errors)
        if week is None:
            continue
        key = (week.site.pk, week.worker, week.week_start)
        if key in seen:
            errors[f"row {row}.worker_ref"] = _("The same worker and week as row %(row)d.") % {
                "row": seen[key]
            }
            continue
        seen[key] = row
        week.check(limits)
        weeks.append(week)
    if not raw:
        errors["file"] = _("The file has no rows.")
    _already_stored(weeks, errors)
    raise_if(errors, _("The working-time file has errors; nothing was imported."))
    return weeks


def _already_stored(weeks: list[Week], errors: dict[str, str]) -> None:
    by_site: dict[int, list[Week]] = defaultdict(list)
    for w in weeks:
        by_site[w.site.pk].append(w)
    for site_id, site_weeks in by_site.items():
        stored = set(
            WorkerWeek.objects.filter(
                site_id=site_id,
                worker__in={w.worker for w in site_weeks},
                week_start__in={w.week_start for w in site_weeks},
            ).values_list("worker", "week_start")
        )
        for w in site_weeks:
            if (w.worker, w.week_start) in stored:
                errors[f"row {w.row}.week_start"] = _("This worker's week at this site is already imported.")


def hours_report(weeks: list[Week]) -> HoursReport:
    """Per site: worker-weeks, those over any limit (once each) and over each limit, the compliant share;
    and the ten worst weeks (most hours) of the file."""
    counts: dict[str, dict[str, Any]] = {}
    for w in weeks:
        c = counts.setdefault(
            w.site.code,
            {
                "site": w.site.code,
                "worker_weeks": 0,
                "non_compliant": 0,
                "over_regular": 0,
                "over_overtime": 0,
                "no_rest_day": 0,
            },
        )
        c["worker_weeks"] += 1
        over = w.limits_over
        c["non_compliant"] += 1 if over else 0
        for name in over:
            c[name] += 1
    sites = []
    for code in sorted(counts):
        c = counts[code]
        c["compliant_share"] = round((c["worker_weeks"] - c["non_compliant"]) / c["worker_weeks"], 4)
        sites.append(c)
    worst = sorted((w for w in weeks if w.limits_over), key=lambda w: (-(w.regular + w.overtime), w.row))[:10]
    return HoursReport(
        sites=sites,
        worst_weeks=[
            {
                "row": w.row,
                "site": w.site.code,
                "week_start": w.week_start.isoformat(),
                "hours": float(w.regular + w.overtime),
                "rest_days": w.rest_days,
                "limits": w.limits_over,
            }
            for w in worst
        ],
    )


@transaction.atomic
def hours_import(*, actor: Actor, text: str, commit: bool = False, file_name: str = "") -> HoursReport:
    """Check the file and report; with `commit`, store every worker-week (or none), ledger the import and
    raise a finding for each site over the threshold."""
    weeks = hours_parse(actor=actor, text=text)
    report = hours_report(weeks)
    if not commit:
        return report
    for site in {w.site.pk: w.site for w in weeks}.values():  # every site of the file, in the actor's units
        if not isinstance(actor, SystemActor):
            authorize(actor, "workforce.hours", unit=site.org_unit)
    batch = HoursImport.objects.create(
        file_name=file_name[:200],
        file_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        rows=len(weeks),
        report=report.as_json(),
        imported_by=who(actor),
    )
    WorkerWeek.objects.bulk_create(
        [
            WorkerWeek(
                site=w.site,
                worker=w.worker,
                week_start=w.week_start,
                regular_hours=w.regular,
                overtime_hours=w.overtime,
                rest_days=w.rest_days,
                over_regular=w.over_regular,
                over_overtime=w.over_overtime,
                no_rest_day=w.no_rest_day,
                hours_import=batch,
            )
            for w in weeks
        ],
        batch_size=2000,
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.HOURS_IMPORT,
        object_type="hours_import",
        object_id=batch.pk,
        summary={"sha256": batch.file_sha256, "rows": len(weeks), "sites": report.sites},
    )
    report.committed, report.import_id = True, batch.pk
    report.findings = _raise_findings(actor, weeks, report)
    return report


def _raise_findings(actor: Actor, weeks: list[Week], report: HoursReport) -> list[dict[str, Any]]:
    threshold = Decimal(settings.WORKFORCE["FINDING_PERCENT"]) / 100
    sites = {w.site.code: w.site for w in weeks}
    raised = []
    for counts in report.sites:
        share_bad = Decimal(counts["non_compliant"]) / counts["worker_weeks"]
        if counts["non_compliant"] == 0 or share_bad <= threshold:
            continue
        site = sites[counts["site"]]
        worst = max(LIMIT_REQUIREMENTS, key=lambda name: counts[name])
        owner = site.liaison.username if site.liaison else site.org_unit.code
        plan = supplier_records.own_site_finding_raise(
            actor=actor,
            site=site,
            auditor=_("Working-time import %(id)d") % {"id": report.import_id},
            severity="major",
            requirement=LIMIT_REQUIREMENTS[worst],
            description=_(
                "%(bad)d of %(all)d worker-weeks over an SA8000 clause 7 limit (regular hours: %(r)d, "
                "overtime: %(o)d, no rest day: %(n)d)."
            )
            % {
                "bad": counts["non_compliant"],
                "all": counts["worker_weeks"],
                "r": counts["over_regular"],
                "o": counts["over_overtime"],
                "n": counts["no_rest_day"],
            },
            action=_("Find the causes of the excess hours and bring every worker-week within the limits."),
            owner=owner,
            due_date=timezone.localdate() + timedelta(days=30),
            scope=_("Working time, import %(id)d") % {"id": report.import_id},
        )
        raised.append(
            {"site": site.code, "finding": plan.finding_id, "corrective_action": plan.pk, "owner": owner}
        )
    return raised
