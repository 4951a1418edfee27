"""Org units, users (with a role, a unit scope and a password), portal organisations and liaisons."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from conduct.apps.accounts.models import Liaison, OrgUnit, OrgUnitKind, PortalOrganisation, User
from conduct.apps.accounts.roles import PORTAL_ROLES, Role

PASSWORD = "factory-password-9f3k"  # noqa: S105 - every factory user's password, for tests


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """A unit under `parent` (a headquarters at the top when there is none); `path` and `depth` follow."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = factory.LazyAttribute(
        lambda o: OrgUnitKind.HEADQUARTERS if o.parent is None else OrgUnitKind.BRANCH
    )
    country = "GB"
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        unit: OrgUnit = super()._create(model_class, *args, **kwargs)
        parent = unit.parent
        unit.path = f"{parent.path if parent else '/'}{unit.pk:06d}/"
        unit.depth = parent.depth + 1 if parent else 0
        unit.save(update_fields=["path", "depth"])
        return unit


class PortalOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalOrganisation

    name = factory.Sequence(lambda n: f"Portal organisation {n}")
    kind = PortalOrganisation.Kind.SUPPLIER
    country = "CN"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role (analyst by default) and the password PASSWORD.

    Internal users are scoped to `scope_units` (by default one new unit, also their home unit); portal users
    (role supplier or customer) belong to a new portal organisation of that kind and to no unit.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    role = Role.ANALYST
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    home_unit = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in PORTAL_ROLES),
        yes_declaration=None,
        no_declaration=factory.SubFactory(OrgUnitFactory),
    )
    portal_org = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in PORTAL_ROLES),
        yes_declaration=factory.SubFactory(PortalOrganisationFactory, kind=factory.SelfAttribute("..role")),
        no_declaration=None,
    )

    @factory.post_generation
    def scope_units(self, create: bool, extracted: list[OrgUnit] | None, **kwargs: Any) -> None:
        if not create:
            return
        units = extracted if extracted is not None else ([self.home_unit] if self.home_unit else [])
        self.scope_units.set(units)


class LiaisonFactory(factory.django.DjangoModelFactory):
    """A liaison (a user with the liaison role, scoped to the unit) for a unit."""

    class Meta:
        model = Liaison

    org_unit = factory.SubFactory(OrgUnitFactory)
    user = factory.SubFactory(
        UserFactory,
        role=Role.LIAISON,
        home_unit=factory.SelfAttribute("..org_unit"),
    )
    is_primary = True
