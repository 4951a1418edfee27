"""Factories for supplier tests: an org unit of their own (under whatever top unit exists), a compliance
officer scoped to it, and suppliers in it. Org units and users are made through accounts' services, which keep
the materialised paths and the role's scope right; suppliers are plain rows (no risk score until one is
computed)."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit, OrgUnitKind, User
from conduct.apps.accounts.services import orgunit_create, user_create
from conduct.apps.suppliers.models import Supplier, SupplierStatus


def _top_unit() -> OrgUnit | None:
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


class OrgUnitFactory(factory.Factory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"f-unit-{n}")
    name = factory.Sequence(lambda n: f"Factory unit {n}")
    country = "VN"
    parent = factory.LazyFunction(_top_unit)
    kind = factory.LazyAttribute(lambda o: OrgUnitKind.BRANCH if o.parent else OrgUnitKind.HEADQUARTERS)

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return orgunit_create(actor=SYSTEM, **kwargs)


class OfficerFactory(factory.Factory):
    """A compliance officer scoped to (and at home in) `unit`."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"f-officer-{n}")
    role = "compliance_officer"
    unit = factory.SubFactory(OrgUnitFactory)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, unit: OrgUnit, **kwargs: Any) -> User:
        return user_create(actor=SYSTEM, scope_units=[unit], home_unit=unit, **kwargs)


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier

    external_id = factory.Sequence(lambda n: f"F-{n:05d}")
    name = factory.Sequence(lambda n: f"Factory Supplier {n} Ltd")
    country = "VN"
    org_unit = factory.SubFactory(OrgUnitFactory)
    status = SupplierStatus.PROSPECT
    tier = 1
