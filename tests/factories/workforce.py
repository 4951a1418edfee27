"""Own-operations rows: a site under a unit of its own (suppliers' OrgUnitFactory) and a liaison scoped to a
unit. Sites are plain rows (no ledger entry); the tests import working time and record incidents through the
services."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.services import user_create
from conduct.apps.workforce.models import OwnSite, SiteKind, TrainingCourse
from tests.factories.suppliers import OrgUnitFactory


class OwnSiteFactory(DjangoModelFactory):
    class Meta:
        model = OwnSite

    code = factory.Sequence(lambda n: f"t-site-{n}")
    name = factory.Sequence(lambda n: f"Test site {n}")
    kind = SiteKind.FACTORY
    org_unit = factory.SubFactory(OrgUnitFactory)
    country = "VN"
    headcount = 120


class LiaisonFactory(factory.Factory):
    """A compliance liaison scoped to (and at home in) `unit`."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"t-liaison-{n}")
    role = "liaison"
    unit = factory.SubFactory(OrgUnitFactory)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, unit: OrgUnit, **kwargs: Any) -> User:
        return user_create(actor=SYSTEM, scope_units=[unit], home_unit=unit, **kwargs)


class PersonFactory(factory.Factory):
    """An internal user of `role` at home in `unit` (scoped to it), joined `date_joined` (default: now)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"t-person-{n}")
    role = "analyst"
    unit = factory.SubFactory(OrgUnitFactory)

    @classmethod
    def _create(
        cls, model_class: type[User], *args: Any, unit: OrgUnit, date_joined: Any = None, **kwargs: Any
    ) -> User:
        user = user_create(actor=SYSTEM, scope_units=[unit], home_unit=unit, **kwargs)
        if date_joined is not None:
            User.objects.filter(pk=user.pk).update(date_joined=date_joined)
            user.refresh_from_db()
        return user


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = TrainingCourse

    code = factory.Sequence(lambda n: f"t-course-{n}")
    title = factory.Sequence(lambda n: f"Test course {n}")
    roles = factory.LazyFunction(lambda: ["analyst"])
    validity_months = 12
