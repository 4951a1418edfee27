"""Gather the report's inputs with aggregate queries: a fixed number of queries whatever the size of the
organisation (no loop over suppliers, decisions or findings in Python).

The report speaks for the whole company, so it reads every unit; `report_inputs` checks that the actor may
publish (the CLI runs as the CLI system actor). Grievances come as counts only (cells under 5
suppressed by grievances.selectors.grievance_figures); no text of a report ever reaches the report.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from conduct.apps.access.selectors import access_figures
from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import Liaison, OrgUnit
from conduct.apps.accounts.scoping import authorize
from conduct.apps.engagement.selectors import public_commitments
from conduct.apps.gates.models import GateDecision
from conduct.apps.governance.models import (
    Case,
    CaseDecision,
    Committee,
    CommitteeMember,
    HumanRight,
    Recommendation,
)
from conduct.apps.grievances.selectors import grievance_figures
from conduct.apps.reports.models import RiskStatus, SalientRisk
from conduct.apps.reports.selectors import plain_risk
from conduct.apps.reports.transparency.figures import ReportInputs
from conduct.apps.suppliers.models import (
    OPEN_ACTION_STATUSES,
    Certificate,
    CorrectiveAction,
    Finding,
    Supplier,
    SupplierAudit,
    SupplierStatus,
)
from conduct.apps.workforce.people import people_figures
from conduct.apps.workforce.selectors import own_operations_figures
from conduct.core.risk import ISO_14001, ISO_45001, SA8000
from conduct.datafiles import framework_library


def period(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def latest_data_year(today: date | None = None) -> int:
    """The latest year the report would have figures for (gate decisions, cases, supplier audits), and the
    year before today's when nothing is recorded yet: the year the build form offers first."""
    today = today or timezone.localdate()
    years = [
        latest.year
        for latest in (
            GateDecision.objects.aggregate(latest=Max("created_at"))["latest"],
            Case.objects.aggregate(latest=Max("opened_at"))["latest"],
            SupplierAudit.objects.aggregate(latest=Max("date"))["latest"],
        )
        if latest is not None and 2000 <= latest.year <= today.year
    ]
    return max(years, default=today.year - 1)


def organisation_name() -> str:
    configured = settings.CONDUCT.get("ORGANISATION_NAME") or os.environ.get("ORGANISATION_NAME")
    if configured:
        return str(configured)
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return root.name if root else "The organisation"


def _governance(start: datetime, end: datetime, as_of: date) -> dict[str, Any]:
    voting = list(CommitteeMember.VOTING_ROLES)
    committees = [
        {
            "slug": c["slug"],
            "name": c["name"],
            "mandate": c["mandate"],
            "members": c["n_members"],
            "voting_members": c["n_voting"],
            "external_members": c["n_external"],
        }
        for c in Committee.objects.order_by("name")
        .values("slug", "name", "mandate")
        .annotate(
            n_members=Count("members"),
            n_voting=Count("members", filter=Q(members__role__in=voting)),
            n_external=Count("members", filter=Q(members__role=CommitteeMember.Role.EXTERNAL)),
        )
    ]
    decisions = [
        {"queue": d["case__queue"], "outcome": d["outcome"], "binding": d["binding"], "count": d["n"]}
        for d in CaseDecision.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .values("case__queue", "outcome", "binding")
        .annotate(n=Count("id"))
        .order_by()
    ]
    cases = [
        {"dimension": c["dimension"], "source": c["source"], "count": c["n"]}
        for c in Case.objects.filter(opened_at__gte=start, opened_at__lt=end)
        .values("dimension", "source")
        .annotate(n=Count("id"))
        .order_by()
    ]
    active = list(Recommendation.ACTIVE)
    recommendations = Recommendation.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        issued=Count("id"),
        done=Count("id", filter=Q(status=Recommendation.Status.DONE)),
        open=Count("id", filter=Q(status__in=active)),
        overdue=Count("id", filter=Q(status__in=active, due_date__lt=as_of)),
    )
    units = OrgUnit.objects.filter(is_active=True)
    liaisons = Liaison.objects.filter(org_unit=OuterRef("pk"), user__is_active=True)
    covered = units.filter(Exists(liaisons)).count()
    return {
        "committees": committees,
        "case_decisions": decisions,
        "cases_opened": cases,
        "recommendations": recommendations,
        "liaison_units": units.count(),
        "liaison_covered": covered,
    }


def _risks() -> list[dict[str, Any]]:
    labels = dict(HumanRight.choices)
    qs = (
        SalientRisk.objects.filter(status=RiskStatus.ACTIVE)
        .prefetch_related("controls")
        .annotate(
            cases=Count("links", filter=Q(links__kind="case")),
            decisions=Count("links", filter=Q(links__kind="gate_decision")),
            findings=Count("links", filter=Q(links__kind="finding")),
        )
    )
    out = []
    for risk in qs:  # the register holds tens of issues, not thousands
        out.append(
            {
                **plain_risk(risk),
                "rights_labels": [str(labels.get(r, r)) for r in risk.rights],
                "controls": sorted(c.code for c in risk.controls.all() if c.is_active),
                "links": {"case": risk.cases, "gate_decision": risk.decisions, "finding": risk.findings},
            }
        )
    return out


def _gates(start: datetime, end: datetime) -> dict[str, Any]:
    in_year = GateDecision.objects.filter(created_at__gte=start, created_at__lt=end)
    decisions = [
        {"gate": d["gate"], "outcome": d["outcome"], "count": d["n"]}
        for d in in_year.values("gate", "outcome").annotate(n=Count("id")).order_by()
    ]
    resolutions = [
        {
            "gate": d["gate"],
            "outcome": d["outcome"],
            "resolution_outcome": d["resolution_outcome"],
            "count": d["n"],
        }
        for d in in_year.filter(resolved_at__isnull=False)
        .values("gate", "outcome", "resolution_outcome")
        .annotate(n=Count("id"))
        .order_by()
    ]
    return {"gate_decisions": decisions, "gate_resolutions": resolutions}


def _suppliers(start: datetime, end: datetime, as_of: date) -> dict[str, Any]:
    def holds(standard: str) -> Exists:
        valid = Certificate.objects.filter(
            supplier=OuterRef("pk"),
            standard=standard,
            withdrawn_at__isnull=True,
            valid_until__gte=as_of,
        ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=as_of))
        return Exists(valid)

    sa, ohs, env = holds(SA8000), holds(ISO_45001), holds(ISO_14001)
    counts = Supplier.objects.filter(status=SupplierStatus.ACTIVE).aggregate(
        active=Count("id"),
        sa8000=Count("id", filter=sa),
        iso_45001=Count("id", filter=ohs),
        iso_14001=Count("id", filter=env),
        all_three=Count("id", filter=sa & ohs & env),
        none=Count("id", filter=~sa & ~ohs & ~env),
    )
    first, last = start.date(), end.date()
    audits = [
        {"kind": a["kind"], "count": a["n"]}
        for a in SupplierAudit.objects.filter(supplier__isnull=False, date__gte=first, date__lt=last)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    ]
    findings_qs = Finding.objects.filter(supplier__isnull=False, audit__date__gte=first, audit__date__lt=last)
    findings = [
        {"severity": f["severity"], "is_open": f["is_open"], "count": f["n"]}
        for f in findings_qs.values("severity", "is_open").annotate(n=Count("id")).order_by()
    ]
    actions_qs = CorrectiveAction.objects.filter(finding__in=findings_qs.values("pk"))
    actions = [
        {"status": a["status"], "count": a["n"]}
        for a in actions_qs.values("status").annotate(n=Count("id")).order_by()
    ]
    overdue = actions_qs.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=as_of).count()
    return {
        "suppliers": counts,
        "audits": audits,
        "findings": findings,
        "actions": actions,
        "actions_overdue": overdue,
    }


def report_inputs(*, actor: Actor, year: int, today: date | None = None) -> ReportInputs:
    """Everything the `year` report shows, as counts and small lists (`today` fixes the as-of date)."""
    authorize(actor, "reports.build")
    start, end = period(year)
    day = today or timezone.localdate()
    as_of = min(date(year, 12, 31), day)
    lib = framework_library()
    try:
        questions = [
            {"id": r.id, "urn": r.urn, "title": r.title, "section": r.section or ""}
            for r in lib.framework("ungp_reporting_framework").requirements
        ]
    except KeyError:
        questions = []
    return ReportInputs(
        year=year,
        organisation=organisation_name(),
        generated_at=timezone.now(),
        as_of=as_of,
        library_version=lib.version,
        **_governance(start, end, as_of),
        risks=_risks(),
        **_gates(start, end),
        **_suppliers(start, end, as_of),
        grievances=grievance_figures(start, end),
        ungp_questions=questions,
        device_access=access_figures(year),
        own_operations=_own_operations(year, as_of),
        commitments=public_commitments(),
    )


def _own_operations(year: int, as_of: date) -> dict[str, Any]:
    figures = own_operations_figures(year)
    held: dict[str, list[str]] = {}
    valid = (
        Certificate.objects.filter(own_site__isnull=False, withdrawn_at__isnull=True, valid_until__gte=as_of)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=as_of))
        .values_list("own_site__code", "standard")
        .order_by("own_site__code", "standard")
    )
    for code, standard in valid:
        held.setdefault(code, []).append(standard)
    return {**figures, "certificates": held, **people_figures()}
