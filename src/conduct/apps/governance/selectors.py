"""Reads for committees: every internal user may see who sits on which committee."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import scoped
from conduct.apps.governance.models import Case, Committee, CommitteeMember


def committee_list(*, actor: User) -> QuerySet[Committee]:
    members = CommitteeMember.objects.select_related("user")
    return scoped(Committee.objects.all(), actor, permission="committees.view", global_model=True).prefetch_related(
        Prefetch("members", queryset=members)
    )


def case_list(*, actor: User, status: str | None = None, queue: str | None = None) -> QuerySet[Case]:
    """Cases in the actor's units; committee members also see every case referred to their committees."""
    from django.db.models import Q

    from conduct.apps.accounts.scoping import can, units_q

    if not can(actor, "cases.view"):
        return Case.objects.none()
    qs = Case.objects.all()
    if not actor.sees_all_units:
        qs = qs.filter(units_q(actor, "org_unit") | Q(committee__members__user=actor)).distinct()
    if status:
        qs = qs.filter(status=status)
    if queue:
        qs = qs.filter(queue=queue)
    return qs.select_related("committee", "gate_decision", "org_unit")
