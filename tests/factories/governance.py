"""Factories for governance rows, and the org units and people they need."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import Role
from conduct.apps.governance.models import OFFICERS_QUEUE, Case, Committee, CommitteeMember, Dimension


class OrgUnitFactory(DjangoModelFactory[OrgUnit]):
    """A top-level unit (its materialised path set as orgunit_create sets it)."""

    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"f-unit-{n}")
    name = factory.Sequence(lambda n: f"Factory unit {n}")
    kind = "headquarters"
    country = "GB"

    @factory.post_generation
    def materialise_path(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.path = f"/{self.pk:06d}/"
            self.depth = 0
            self.save(update_fields=["path", "depth"])


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"f-user-{n}")
    role = Role.COMPLIANCE_OFFICER
    is_active = True


class CommitteeFactory(DjangoModelFactory[Committee]):
    """A committee that decides the cases referred to it (simple majority, half the voters for quorum)."""

    class Meta:
        model = Committee

    slug = factory.Sequence(lambda n: f"f-committee-{n}")
    name = factory.Sequence(lambda n: f"Factory committee {n}")
    mandate = Committee.Mandate.DECIDES


class CommitteeMemberFactory(DjangoModelFactory[CommitteeMember]):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory, role=Role.LIAISON)
    role = CommitteeMember.Role.MEMBER


class CaseFactory(DjangoModelFactory[Case]):
    """A case on the compliance officers' queue, written directly (no ledger entry)."""

    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Factory case {n}")
    dimension = Dimension.PRODUCT
    queue = OFFICERS_QUEUE
    opened_by = "system"
