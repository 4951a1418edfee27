"""Factories for screening tests: org units and users of their own, watch lists with entries, parties.

Rows are built with the models (no ledger entries); what a test exercises goes through the services.
"""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.screening.models import ScreenedParty


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """A unit under `parent` (default: a new top-level unit), its materialised path set after the insert."""

    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"scr-unit-{n}")
    name = factory.Sequence(lambda n: f"Screening test unit {n}")
    kind = "branch"
    country = "GB"
    parent = None

    @factory.post_generation
    def set_path(unit: OrgUnit, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: ARG002, N805
        parent = unit.parent
        unit.path = f"{parent.path if parent else '/'}{unit.pk:06d}/"
        unit.depth = (parent.depth + 1) if parent else 0
        if create:
            unit.save(update_fields=["path", "depth"])


class UserFactory(factory.django.DjangoModelFactory):
    """A user with `role`, homed in and scoped to `home_unit` (pass scope_units=[...] to widen)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"scr-user-{n}")
    role = "analyst"
    home_unit = factory.SubFactory(OrgUnitFactory)
    is_active = True

    @factory.post_generation
    def scope_units(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: ARG002, N805
        if create:
            user.scope_units.set(extracted if extracted is not None else [user.home_unit])


class ScreenedPartyFactory(factory.django.DjangoModelFactory):
    """A stored party, never screened (register parties through `party_register` to screen them)."""

    class Meta:
        model = ScreenedParty

    reference = factory.Sequence(lambda n: f"customer:SCR-{n}")
    kind = "customer"
    name = factory.Sequence(lambda n: f"Factory Party {n} Ltd")
    aliases = factory.LazyFunction(list)
    entity_type = "organization"
    country = "GB"
    birth_date = ""
    org_unit = factory.SubFactory(OrgUnitFactory)
    fingerprint = "0" * 64
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
