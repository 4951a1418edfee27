"""Scoped reads of the company's own operations: sites by org unit (admins and auditors see all), working
time per site and week, incidents, and the injury rates per 1,000,000 hours worked (GRI 403-9)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize, can, scoped
from conduct.apps.errors import NotFound
from conduct.apps.workforce.models import HoursImport, HoursWorked, Incident, OwnSite, WorkerWeek
from conduct.events import suppliers as records

PER_HOURS = 1_000_000  # the rates' base: incidents per 1,000,000 hours worked


def site_list(*, actor: User, q: str = "") -> QuerySet[OwnSite]:
    authorize(actor, "workforce.view")
    rows = scoped(
        OwnSite.objects.select_related("org_unit", "liaison"),
        actor,
        permission="workforce.view",
        unit_field="org_unit",
    )
    q = q.strip()
    return rows.filter(Q(code__icontains=q) | Q(name__icontains=q)) if q else rows


def site_get(*, actor: User, site_id: int) -> OwnSite:
    found = site_list(actor=actor).filter(pk=site_id).first()
    if found is None:
        raise NotFound(_("No own site %(id)d that you may see.") % {"id": site_id})
    return found


def sites_under(*, actor: User, units: Iterable[OrgUnit]) -> list[OwnSite]:
    """Own sites in the subtrees of `units` (the risk register's evidence of labour in own operations)."""
    paths = [u.path for u in units]
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(org_unit__path__startswith=path)
    return list(
        scoped(
            OwnSite.objects.select_related("org_unit"),
            actor,
            permission="workforce.view",
            unit_field="org_unit",
        )
        .filter(q)
        .order_by("code")
    )


@dataclass(frozen=True)
class WeekPoint:
    week_start: Any
    worker_weeks: int
    compliant_share: float
    average_overtime: float


def hours_series(*, site: OwnSite, limit: int = 52) -> list[WeekPoint]:
    """The site's latest `limit` weeks: share of compliant worker-weeks and average overtime (the charts)."""
    rows = (
        WorkerWeek.objects.filter(site=site)
        .values("week_start")
        .annotate(
            n=Count("id"),
            bad=Count("id", filter=Q(over_regular=True) | Q(over_overtime=True) | Q(no_rest_day=True)),
            overtime=Avg("overtime_hours"),
        )
        .order_by("-week_start")[:limit]
    )
    return [
        WeekPoint(
            r["week_start"], r["n"], round((r["n"] - r["bad"]) / r["n"], 4), round(float(r["overtime"]), 2)
        )
        for r in reversed(list(rows))
    ]


def hours_imports(*, actor: User) -> QuerySet[HoursImport]:
    authorize(actor, "workforce.view")
    return HoursImport.objects.all()[:20] if actor.sees_all_units else HoursImport.objects.none()


def incident_list(*, actor: User, site: OwnSite | None = None) -> QuerySet[Incident]:
    authorize(actor, "workforce.view")
    rows = scoped(
        Incident.objects.select_related("site"),
        actor,
        permission="workforce.view",
        unit_field="site__org_unit",
    )
    return rows.filter(site=site) if site is not None else rows


@dataclass(frozen=True)
class Rate:
    """One site's year: hours worked, lost-time injuries, recordable incidents and their rates per
    1,000,000 hours (None when no hours are recorded)."""

    site: str
    year: int
    hours: Decimal
    lost_time_injuries: int
    recordable: int
    ltifr: float | None
    trir: float | None

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "hours": float(self.hours)}


def safety_rates(*, actor: User, site: OwnSite | None = None, year: int | None = None) -> list[Rate]:
    """LTIFR = lost-time injuries x 1,000,000 / hours worked; TRIR = recordable injuries and illnesses x
    1,000,000 / hours worked; by site and calendar year."""
    sites = {s.pk: s.code for s in site_list(actor=actor) if site is None or s.pk == site.pk}
    return _rates(sites, year)


def _rates(sites: dict[int, str], year: int | None) -> list[Rate]:
    hours: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    worked = (
        HoursWorked.objects.filter(site_id__in=sites)
        .values("site_id", "month__year")
        .annotate(h=Sum("hours"))
    )
    for row in worked:
        hours[(row["site_id"], row["month__year"])] += row["h"]
    lti: dict[tuple[int, int], int] = defaultdict(int)
    rec: dict[tuple[int, int], int] = defaultdict(int)
    for incident in Incident.objects.filter(site_id__in=sites):
        key = (incident.site_id, incident.date.year)
        lti[key] += 1 if incident.lost_time else 0
        rec[key] += 1 if incident.recordable else 0
    rates = []
    for key in sorted(set(hours) | set(lti) | set(rec), key=lambda k: (sites[k[0]], k[1])):
        if year is not None and key[1] != year:
            continue
        h = hours.get(key, Decimal(0))
        rates.append(
            Rate(
                site=sites[key[0]],
                year=key[1],
                hours=h,
                lost_time_injuries=lti[key],
                recordable=rec[key],
                ltifr=round(lti[key] * PER_HOURS / float(h), 2) if h else None,
                trir=round(rec[key] * PER_HOURS / float(h), 2) if h else None,
            )
        )
    return rates


def own_operations_figures(year: int) -> dict[str, Any]:
    """The transparency report's own-operations figures for one calendar year, for the whole company (the
    report speaks for every unit): the sites, working-time compliance per site, and the injury rates."""
    sites = list(OwnSite.objects.select_related("org_unit").order_by("code"))
    weeks = (
        WorkerWeek.objects.filter(week_start__year=year)
        .values("site__code")
        .annotate(
            n=Count("id"),
            bad=Count("id", filter=Q(over_regular=True) | Q(over_overtime=True) | Q(no_rest_day=True)),
            overtime=Avg("overtime_hours"),
        )
        .order_by("site__code")
    )
    return {
        "sites": [
            {
                "code": s.code,
                "name": s.name,
                "kind": s.get_kind_display(),
                "country": s.country,
                "headcount": s.headcount,
            }
            for s in sites
        ],
        "working_time": [
            {
                "site": w["site__code"],
                "worker_weeks": w["n"],
                "non_compliant": w["bad"],
                "compliant_share": round((w["n"] - w["bad"]) / w["n"], 4),
                "average_overtime": round(float(w["overtime"]), 2),
            }
            for w in weeks
        ],
        "rates": [r.as_json() for r in _rates({s.pk: s.code for s in sites}, year)],
    }


def site_unit_choices(*, actor: User) -> QuerySet[OrgUnit] | list[OrgUnit]:
    """The org units a new own site may be put under, for a role that may add sites (nobody else: none)."""
    if not can(actor, "workforce.sites"):
        return []
    return OrgUnit.objects.order_by("code")


def own_site_action_for(*, actor: User, action_id: int) -> Any:
    """An own site's corrective action: 403 for a role that may not read own sites, 404 when out of sight."""
    authorize(actor, "workforce.view")
    return records.own_site_action_get(actor=actor, action_id=action_id)


@dataclass(frozen=True)
class SiteFinding:
    site: OwnSite
    audit: Any
    finding: Any
    plan: Any  # its corrective action, or None


def site_finding_for(*, actor: User, site_id: int, finding_id: int) -> SiteFinding:
    """A finding of an own site's audit with its corrective action: 403 for a role that may not read own
    sites, 404 for a site or finding out of sight."""
    site = site_get(actor=actor, site_id=site_id)
    found = records.own_site_records(actor=actor, site_id=site.pk)
    for audit in found.audits:
        for finding in audit.findings.all():
            if finding.pk == finding_id:
                plan = next((p for p in found.actions if p.finding_id == finding.pk), None)
                return SiteFinding(site, audit, finding, plan)
    raise NotFound(_("No finding %(id)d at this site.") % {"id": finding_id})
