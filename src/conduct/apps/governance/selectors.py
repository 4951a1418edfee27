"""Reads for committees: every internal user may see who sits on which committee."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import scoped
from conduct.apps.governance.models import Committee, CommitteeMember


def committee_list(*, actor: User) -> QuerySet[Committee]:
    members = CommitteeMember.objects.select_related("user")
    return scoped(Committee.objects.all(), actor, permission="committees.view", global_model=True).prefetch_related(
        Prefetch("members", queryset=members)
    )
