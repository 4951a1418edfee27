"""Factories for gate decisions, written directly as rows (no policy evaluation, no ledger entry)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from conduct.apps.gates.models import GateDecision, Outcome


class GateDecisionFactory(DjangoModelFactory[GateDecision]):
    """A sales-deal decision that went to review (unresolved)."""

    class Meta:
        model = GateDecision

    gate = "sales_deal"
    reference = factory.Sequence(lambda n: f"F-DEAL-{n}")
    subject = factory.LazyAttribute(lambda o: {"reference": o.reference})
    outcome = Outcome.REVIEW
    result = factory.LazyAttribute(lambda o: {"outcome": o.outcome, "reasons": [], "conditions": []})
    policy_version = "factory"
    as_of = factory.LazyFunction(lambda: timezone.localdate())
    actor_label = "cli"
    request_hash = factory.Sequence(lambda n: f"{n:064d}")
    created_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(seconds=1))
