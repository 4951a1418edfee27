"""Grievance rows: grievance officers, and reports written directly (sealed texts, computed deadlines, no
ledger entries) for the figures that count them. The grievance tests make reports through the services."""

from __future__ import annotations

import factory
from django.utils import timezone

from conduct.apps.accounts.roles import Role
from conduct.apps.grievances import crypto, receipts
from conduct.apps.grievances.models import Grievance
from conduct.apps.grievances.services._common import deadlines
from tests.factories.accounts import UserFactory


class GrievanceOfficerFactory(UserFactory):
    role = Role.GRIEVANCE_OFFICER


class GrievanceFactory(factory.django.DjangoModelFactory):
    """A report received at `received_at` (now by default), through the web form, in English."""

    class Meta:
        model = Grievance

    receipt_lookup = factory.Sequence(lambda n: f"factory-{n:056d}")
    receipt_hash = factory.LazyFunction(lambda: receipts.receipt_hash("0000000000000000"))
    language = "en"
    channel = "web"
    relation = "employee"
    received_at = factory.LazyFunction(timezone.now)
    acknowledge_by = factory.LazyAttribute(lambda o: deadlines(o.received_at)[0])
    feedback_by = factory.LazyAttribute(lambda o: deadlines(o.received_at)[1])
    description_enc = factory.LazyFunction(
        lambda: crypto.seal("A report written by a factory.", context="grievance.description")
    )
