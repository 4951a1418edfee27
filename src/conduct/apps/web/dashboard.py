"""What the dashboard reads: the actor's work queue ("my work") and the charts. The top layer may read every
app's selectors; each item and chart is shown only to a role whose permission covers it, and counts only
rows in the actor's scope (the selectors scope them). Grievances are not here: grievance officers do not use
the dashboard (their home page is their queue, with its overdue filter), and nothing of a grievance reaches
other roles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.access import selectors as access
from conduct.apps.accounts import selectors as accounts
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import can
from conduct.apps.audit import selectors as audit
from conduct.apps.gates import selectors as gates
from conduct.apps.gates.models import Gate, Outcome
from conduct.apps.governance import selectors as governance
from conduct.apps.governance.models import Case, Recommendation, Vote
from conduct.apps.screening import selectors as screening
from conduct.apps.screening.models import AlertStatus
from conduct.apps.suppliers import selectors as suppliers
from conduct.apps.web.charts import Chart, bars, lines

WEEKS = 12


@dataclass(frozen=True)
class WorkItem:
    """One line of "my work": how many, what, where to go; `urgent` when something is overdue."""

    key: str
    label: str
    count: int
    url: str
    urgent: bool = False


SupplierSummary = dict[str, Any] | None


def my_work(*, actor: User, supplier_summary: SupplierSummary = None) -> list[WorkItem]:
    """What needs the actor now, most urgent first; empty lines are left out. `supplier_summary` is
    suppliers' dashboard summary when the caller has read it already (it is read here otherwise)."""
    items: list[WorkItem] = []
    for key, permission, build in _WORK:
        if not can(actor, permission):
            continue
        if key == "suppliers":
            items.extend(_supplier_work(actor, supplier_summary))
        else:
            items.extend(build(actor))
    return sorted((i for i in items if i.count), key=lambda i: (not i.urgent, i.key))


def _cases(actor: User) -> list[WorkItem]:
    open_cases = governance.case_list(actor=actor).filter(
        status__in=(Case.Status.OPEN, Case.Status.UNDER_REVIEW)
    )
    votes = governance.case_list(actor=actor, filters=governance.CaseFilters(awaiting_my_vote=True))
    voted = Vote.objects.filter(voter=actor, case=OuterRef("pk"), round=OuterRef("round"))
    votes = votes.exclude(Exists(voted)).distinct()
    overdue = open_cases.filter(due_at__lt=timezone.now())
    url = reverse("cases")
    return [
        WorkItem(
            "cases-overdue", _("Cases past their due date"), overdue.count(), f"{url}?status=open", True
        ),
        WorkItem("cases-open", _("Open cases"), open_cases.count(), f"{url}?status=open"),
        WorkItem("cases-vote", _("Cases waiting for your vote"), votes.count(), f"{url}?mine=1", True),
    ]


def _recommendations(actor: User) -> list[WorkItem]:
    overdue = governance.recommendation_list(
        actor=actor, filters=governance.RecommendationFilters(overdue=True)
    )
    mine = governance.recommendation_list(actor=actor, filters=governance.RecommendationFilters(mine=True))
    mine = mine.filter(status__in=Recommendation.ACTIVE)
    url = reverse("recommendations")
    return [
        WorkItem("recs-overdue", _("Overdue recommendations"), overdue.count(), f"{url}?overdue=1", True),
        WorkItem("recs-mine", _("Recommendations assigned to you"), mine.count(), f"{url}?mine=1"),
    ]


def _alerts(actor: User) -> list[WorkItem]:
    counts = screening.alert_counts(actor=actor)
    url = reverse("screening")
    return [WorkItem("alerts", _("Screening alerts to review"), counts.get("open", 0), f"{url}?status=open")]


def _reviews(actor: User) -> list[WorkItem]:
    waiting = gates.decision_list(actor=actor, filters=gates.DecisionFilters(unresolved_reviews=True))
    url = reverse("gates")
    return [
        WorkItem(
            "reviews", _("Gate reviews waiting for a decision"), waiting.count(), f"{url}?outcome=review"
        )
    ]


def _supplier_work(actor: User, summary_read: SupplierSummary = None) -> list[WorkItem]:
    summary = (summary_read if summary_read is not None else suppliers.dashboard_summary(actor=actor)) or {}
    return [
        WorkItem(
            "actions-overdue",
            _("Overdue corrective actions"),
            summary.get("overdue_actions", 0),
            reverse("supplier-actions") + "?overdue=1",
            True,
        ),
        WorkItem(
            "certificates-expiring",
            _("Supplier certificates expiring within 60 days"),
            summary.get("expiring_certificates", 0),
            reverse("supplier-certificates") + "?status=expiring",
        ),
        WorkItem(
            "questionnaires",
            _("Questionnaires to review"),
            summary.get("to_review", 0),
            reverse("supplier-questionnaires") + "?status=submitted",
        ),
    ]


def _access(actor: User) -> list[WorkItem]:
    pending = access.access_request_list(actor=actor, status="pending").count()
    return [
        WorkItem(
            "access",
            _("Device access requests waiting for the customer"),
            pending,
            reverse("access") + "?status=pending",
        )
    ]


_WORK: list[tuple[str, str, Callable[[User], list[WorkItem]]]] = [
    ("cases", "cases.view", _cases),
    ("recommendations", "recommendations.view", _recommendations),
    ("alerts", "screening.review", _alerts),
    ("reviews", "gates.view", _reviews),
    ("suppliers", "suppliers.view", _supplier_work),
    ("access", "access.view", _access),
]


# --- charts ---------------------------------------------------------------------------------------------


def _weeks(today: date) -> list[date]:
    """The Mondays of the last WEEKS weeks, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _per_week(
    rows: QuerySet, field: str, weeks: list[date], group: str | None = None
) -> Counter[tuple[date, str]]:
    """Counts per (week, group) of `rows` by the datetime `field`, over `weeks`."""
    start = timezone.make_aware(datetime.combine(weeks[0], datetime.min.time()))
    values = ["week", group] if group else ["week"]
    counted = (
        rows.filter(**{f"{field}__gte": start})
        .annotate(week=TruncWeek(field))
        .order_by()
        .values(*values)
        .annotate(n=Count("id"))
    )
    found: Counter[tuple[date, str]] = Counter()
    for row in counted:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        found[(week, row[group] if group else "")] += row["n"]
    return found


def _label(week: date) -> str:
    return week.strftime("%d %b")


def decisions_chart(*, actor: User, today: date) -> Chart:
    weeks = _weeks(today)
    found = _per_week(gates.decision_list(actor=actor), "created_at", weeks, "outcome")
    by_gate = _per_week(gates.decision_list(actor=actor), "created_at", weeks, "gate")
    series = [(str(label), [found[(w, value)] for w in weeks]) for value, label in Outcome.choices]
    chart = bars(
        "decisions",
        _("Gate decisions per week, by outcome"),
        _("Decisions recorded at every gate in the last %(weeks)s weeks, stacked by outcome.")
        % {"weeks": WEEKS},
        [_label(w) for w in weeks],
        series,
        stacked=True,
    )
    chart.columns += [str(label) for _, label in Gate.choices]
    for row, week in zip(chart.rows, weeks, strict=True):
        row += [str(by_gate[(week, value)]) for value, _ in Gate.choices]
    return chart


def alerts_chart(*, actor: User, today: date) -> Chart:
    weeks = _weeks(today)
    alerts = screening.alert_list(actor=actor)
    opened = _per_week(alerts, "created_at", weeks)
    closed = _per_week(
        alerts.exclude(status=AlertStatus.OPEN).exclude(reviewed_at=None), "reviewed_at", weeks
    )
    return lines(
        "alerts",
        _("Screening alerts opened and closed per week"),
        _("Alerts the screening raised, and alerts a reviewer confirmed, dismissed or closed, per week."),
        [_label(w) for w in weeks],
        [
            (_("Opened"), [opened[(w, "")] for w in weeks]),
            (_("Closed"), [closed[(w, "")] for w in weeks]),
        ],
    )


def supplier_risk_chart(*, actor: User, supplier_summary: SupplierSummary = None) -> Chart | None:
    summary = supplier_summary if supplier_summary is not None else suppliers.dashboard_summary(actor=actor)
    if not summary or not summary["suppliers"]:
        return None
    bands = summary["bands"]
    names = {"critical": _("Critical"), "high": _("High"), "medium": _("Medium"), "low": _("Low")}
    return bars(
        "supplier-risk",
        _("Suppliers by risk band"),
        _("How many of the suppliers you can see fall in each risk band (latest computed score)."),
        [str(names[b]) for b in bands],
        [(_("Suppliers"), list(bands.values()))],
    )


def supplier_risk_trend_chart(*, actor: User, today: date) -> Chart | None:
    """Suppliers per risk band at the last full recompute of each week, from the recomputes' ledger entries
    (each records the bands). Organisation-wide counts, shown to the roles that read the ledger (which holds
    them already)."""
    if not can(actor, "ledger.view"):
        return None
    weeks = _weeks(today)
    entries = audit.ledger_list(
        actor=actor, filters=audit.LedgerFilters(action="supplier.risk_recompute", since=weeks[0])
    ).order_by("seq")
    last: dict[date, dict[str, int]] = {}
    for entry in entries.only("at", "summary"):
        day = timezone.localtime(entry.at).date()
        last[day - timedelta(days=day.weekday())] = dict((entry.summary or {}).get("bands") or {})
    if not last:
        return None
    names = {"critical": _("Critical"), "high": _("High"), "medium": _("Medium"), "low": _("Low")}
    carried: list[dict[str, int] | None] = []
    for week in weeks:
        carried.append(last.get(week, carried[-1] if carried else None))
    return lines(
        "supplier-risk-trend",
        _("Suppliers per risk band, week by week"),
        _("The bands at the last full risk recompute of each week (a week without one repeats the last)."),
        [_label(w) for w in weeks],
        [(str(label), [c.get(band, 0) if c else None for c in carried]) for band, label in names.items()],
    )


def overdue_chart(*, actor: User) -> Chart | None:
    rows = suppliers.overdue_by_unit(actor=actor)[:10] if can(actor, "suppliers.view") else []
    per_unit: Counter[str] = Counter({row["unit"] or _("(no unit)"): row["overdue"] for row in rows})
    if can(actor, "recommendations.view"):
        overdue = governance.recommendation_list(
            actor=actor, filters=governance.RecommendationFilters(overdue=True)
        ).values_list("org_unit__name", flat=True)
        recs: Counter[str] = Counter(name or _("(no unit)") for name in overdue)
    else:
        recs = Counter()
    units = sorted(set(per_unit) | set(recs), key=lambda u: -(per_unit[u] + recs[u]))[:10]
    if not units:
        return None
    return bars(
        "overdue",
        _("Overdue items per unit"),
        _("Overdue corrective actions and recommendations, per owning unit (the ten with most)."),
        units,
        [
            (_("Corrective actions"), [per_unit[u] for u in units]),
            (_("Recommendations"), [recs[u] for u in units]),
        ],
        stacked=True,
        horizontal=True,
    )


def coverage_chart(*, actor: User) -> Chart | None:
    units = accounts.orgunit_list(actor=actor, filters=accounts.OrgUnitFilters(active=True))
    rows = units.order_by().values("kind").annotate(total=Count("id"))
    without = dict(units.filter(liaison_count=0).order_by().values_list("kind").annotate(n=Count("id")))
    kinds = [row["kind"] for row in rows]
    if not kinds:
        return None
    totals = {row["kind"]: row["total"] for row in rows}
    return bars(
        "coverage",
        _("Liaison coverage by kind of unit"),
        _("Units with at least one compliance liaison, and units without one."),
        [k.replace("_", " ") for k in kinds],
        [
            (_("With a liaison"), [totals[k] - without.get(k, 0) for k in kinds]),
            (_("Without a liaison"), [without.get(k, 0) for k in kinds]),
        ],
        stacked=True,
    )


def charts(
    *, actor: User, today: date | None = None, supplier_summary: SupplierSummary = None
) -> list[Chart]:
    """The charts the actor's role may see (`supplier_summary` as for my_work)."""
    today = today or timezone.localdate()
    found: list[Chart | None] = []
    if can(actor, "gates.view"):
        found.append(decisions_chart(actor=actor, today=today))
    if can(actor, "screening.view"):
        found.append(alerts_chart(actor=actor, today=today))
    if can(actor, "suppliers.view"):
        found.append(supplier_risk_chart(actor=actor, supplier_summary=supplier_summary))
        found.append(supplier_risk_trend_chart(actor=actor, today=today))
    found.append(overdue_chart(actor=actor))
    found.append(coverage_chart(actor=actor))
    return [chart for chart in found if chart is not None]
