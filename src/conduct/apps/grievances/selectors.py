"""Scoped reads of grievances that carry no text: the officers' list (metadata only), the reporter's thread
(their own report, through a live session), and the transparency report's counts."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.scoping import authorize, scoped
from conduct.apps.grievances.models import Grievance, Message, Status
from conduct.apps.grievances.services import reporter_grievance
from conduct.apps.grievances.services._common import unseal

OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING)
SUPPRESS_BELOW = 5  # no count under 5 is published: it could point at a reporter


def grievance_list(*, actor: Actor, status: str = "", overdue: bool = False) -> QuerySet[Grievance]:
    """Reports the actor may handle (grievance officers, less those a report excludes), newest first."""
    authorize(actor, "grievances.view")
    rows = scoped(Grievance.objects.all(), actor, permission="grievances.view", global_model=True)
    if not isinstance(actor, SystemActor):
        rows = rows.exclude(exclusions__user=actor)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        now = timezone.now()
        rows = rows.filter(
            Q(status=Status.RECEIVED, acknowledge_by__lt=now)
            | Q(status__in=OPEN_STATUSES, feedback_at__isnull=True, feedback_by__lt=now)
        )
    return rows


@dataclass(frozen=True)
class ReporterThread:
    """What a reporter sees with their session: the status, the deadlines and the messages (their own and
    the handlers', without the handlers' names)."""

    grievance: Grievance
    messages: list[dict[str, Any]]


def reporter_thread(*, session: str) -> ReporterThread:
    g = reporter_grievance(session=session)
    messages = [
        {
            "author": m.author,
            "kind": m.kind,
            "body": unseal(m.body_enc, "message"),
            "created_at": m.created_at,
        }
        for m in Message.objects.filter(grievance=g)
    ]
    return ReporterThread(grievance=g, messages=messages)


def _suppressed(counter: Counter[str]) -> dict[str, int | str]:
    return {key: (n if n >= SUPPRESS_BELOW else f"<{SUPPRESS_BELOW}") for key, n in sorted(counter.items())}


def _median_days(pairs: list[tuple[datetime, datetime | None]]) -> float | None:
    days = [(end - start).total_seconds() / 86400 for start, end in pairs if end is not None]
    if len(days) < SUPPRESS_BELOW:
        return None
    return round(statistics.median(days), 1)


def _share(hits: int, total: int) -> float | None:
    return round(100 * hits / total, 1) if total >= SUPPRESS_BELOW else None


def grievance_figures(start: datetime, end: datetime) -> dict[str, Any]:
    """The transparency report's grievance figures for reports received in [start, end): counts only, any
    cell under 5 shown as "<5", medians and shares only over at least 5 reports. No text, no dates of a
    single report."""
    rows = list(
        Grievance.objects.filter(received_at__gte=start, received_at__lt=end).values(
            "channel",
            "language",
            "dimension",
            "relation",
            "status",
            "received_at",
            "acknowledge_by",
            "acknowledged_at",
            "feedback_by",
            "feedback_at",
            "closed_at",
            "remedy_type",
            "remedy_accepted",
            "satisfaction",
        )
    )
    acked = [r for r in rows if r["acknowledged_at"] is not None]
    answered = [r for r in rows if r["feedback_at"] is not None]
    due_ack = [r for r in rows if r["acknowledged_at"] is not None or r["acknowledge_by"] < timezone.now()]
    due_feedback = [r for r in rows if r["feedback_at"] is not None or r["feedback_by"] < timezone.now()]
    scores = [r["satisfaction"] for r in rows if r["satisfaction"] is not None]
    received = len(rows)
    return {
        "received": received if received >= SUPPRESS_BELOW or received == 0 else f"<{SUPPRESS_BELOW}",
        "by_channel": _suppressed(Counter(r["channel"] for r in rows)),
        "by_language": _suppressed(Counter(r["language"] for r in rows)),
        "by_dimension": _suppressed(Counter(r["dimension"] or "unclassified" for r in rows)),
        "by_relation": _suppressed(Counter(r["relation"] for r in rows)),
        "by_status": _suppressed(Counter(r["status"] for r in rows)),
        "median_days_to_acknowledge": _median_days([(r["received_at"], r["acknowledged_at"]) for r in rows]),
        "median_days_to_close": _median_days([(r["received_at"], r["closed_at"]) for r in rows]),
        "share_acknowledged_in_time": _share(
            sum(1 for r in acked if r["acknowledged_at"] <= r["acknowledge_by"]), len(due_ack)
        ),
        "share_answered_in_time": _share(
            sum(1 for r in answered if r["feedback_at"] <= r["feedback_by"]), len(due_feedback)
        ),
        "remedies": _suppressed(Counter(r["remedy_type"] for r in rows if r["remedy_type"])),
        "remedies_accepted": _suppressed(
            Counter(
                {True: "accepted", False: "not accepted"}[r["remedy_accepted"]]
                for r in rows
                if r["remedy_type"] and r["remedy_accepted"] is not None
            )
        ),
        "satisfaction_answers": len(scores) if len(scores) >= SUPPRESS_BELOW or not scores else "<5",
        "satisfaction_mean": round(statistics.mean(scores), 2) if len(scores) >= SUPPRESS_BELOW else None,
    }
