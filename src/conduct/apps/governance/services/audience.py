"""Who new cases go to and who hears of them: committees by queue, their voters, the officers by unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.governance.models import (
    OFFICERS_QUEUE,
    Case,
    Committee,
    CommitteeMember,
)
from conduct.apps.governance.services._common import (
    officers_for_units,
    unit_key,
)


@dataclass(frozen=True)
class CaseSpec:
    """What `case_open_many` opens: one case for a committee (queue = its slug) or the officers' queue."""

    title: str
    dimension: str
    queue: str
    source: str = str(Case.Source.MANUAL)
    description: str = ""
    gate_decision: Any = None
    org_unit: OrgUnit | None = None
    due_days: int | None = 14
    rights: list[str] | None = None
    subject_type: str = ""
    subject_ref: str = ""


@dataclass(frozen=True)
class CaseAudience:
    """Who new cases go to and who hears of them: the committee each queue names, each committee's serving
    voters and the compliance officers covering each org unit. Read by `case_audience` before a write
    transaction, so a caller that opens cases inside a busy one (a gate decision) does its reads first. It is
    as of that read: a committee or membership changed in the milliseconds before the write is not seen, as
    if the cases had been opened just before the change."""

    committees: dict[str, Committee]
    voters: dict[int, list[User]]
    officers: dict[int | None, list[User]]
    queues: frozenset[str]
    units: frozenset[int | None]

    def covers(self, specs: Sequence[CaseSpec]) -> bool:
        """Whether everything opening `specs` needs was read: each committee queue, and the officers of the
        unit of each case that goes to the officers' queue (by name, or because its committee is not found).
        """
        for s in specs:
            if s.queue != OFFICERS_QUEUE and s.queue not in self.queues:
                return False
            to_officers = s.queue == OFFICERS_QUEUE or s.queue not in self.committees
            if to_officers and unit_key(s.org_unit) not in self.units:
                return False
        return True


def case_audience(*, queues: Iterable[str], units: Iterable[OrgUnit | None]) -> CaseAudience:
    """Read the committees named by `queues` and their voters, and, when a case may go to the officers' queue,
    the officers of `units` (at most four queries)."""
    asked = set(queues)
    wanted = asked - {OFFICERS_QUEUE}
    committees = committees_for_queues(wanted)
    voters: dict[int, list[User]] = {}
    if committees:
        day = timezone.localdate()
        serving = CommitteeMember.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=day),
            committee_id__in={c.pk for c in committees.values()},
            role__in=CommitteeMember.VOTING_ROLES,
            term_start__lte=day,
            user__is_active=True,
        )
        for m in serving.select_related("user").order_by():
            voters.setdefault(m.committee_id, []).append(m.user)
    to_officers = OFFICERS_QUEUE in asked or any(q not in committees for q in wanted)
    unit_list = list({unit_key(u): u for u in units}.values()) if to_officers else []
    return CaseAudience(
        committees=committees,
        voters=voters,
        officers=officers_for_units(unit_list),
        queues=frozenset(wanted),
        units=frozenset(unit_key(u) for u in unit_list),
    )


def committees_for_queues(queues: Iterable[str]) -> dict[str, Committee]:
    """The committee each queue names, in one query. Policy packs say `technical-ethics-committee`; a
    committee may be registered as `technical-ethics` — either spelling finds it."""
    candidates = {q: [q, q.removesuffix("-committee"), f"{q}-committee"] for q in queues}
    if not candidates:
        return {}
    by_slug = {
        c.slug: c for c in Committee.objects.filter(slug__in=[s for c in candidates.values() for s in c])
    }
    found = {q: next((by_slug[s] for s in slugs if s in by_slug), None) for q, slugs in candidates.items()}
    return {q: c for q, c in found.items() if c is not None}


def committee_for_queue(queue: str) -> Committee | None:
    """The committee a queue names (see `committees_for_queues`)."""
    return committees_for_queues([queue]).get(queue)
