"""Counterparts, correspondence (with questions) and commitments, written directly (no ledger entries)."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from conduct.apps.engagement.models import Commitment, Correspondence, Counterpart, Question
from tests.factories.accounts import OrgUnitFactory


class CounterpartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counterpart

    kind = "regulator"
    name = factory.Sequence(lambda n: f"Counterpart {n}")
    country = "GB"


class CorrespondenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correspondence

    direction = "in"
    kind = "letter"
    date = factory.LazyFunction(lambda: date.today() - timedelta(days=10))
    channel = "email"
    subject = factory.Sequence(lambda n: f"Letter {n}")
    counterpart = factory.SubFactory(CounterpartFactory)
    owner_unit = factory.SubFactory(OrgUnitFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    correspondence = factory.SubFactory(CorrespondenceFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "What do you do about it?"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    made_in = "letter"
    text = factory.Sequence(lambda n: f"We will do thing {n}.")
    owner_unit = factory.SubFactory(OrgUnitFactory)
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
