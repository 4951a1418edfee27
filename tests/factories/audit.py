"""Factories for the audit ledger's tests: ledger entries appended through the ledger's own service, and
ledgered objects of the reconciled types (a gate decision, a supplier) whose rows are built directly and
then recorded with one entry, as their own services would.

Rows are built with the models; the entry goes through `ledger_append`, the service under test.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.audit.services import ledger_append
from conduct.apps.gates.models import GateDecision
from conduct.apps.suppliers.models import Supplier


class LedgerEntryFactory(factory.Factory):
    """One entry appended to the chain (the chain decides seq, time and hashes)."""

    class Meta:
        model = LedgerEntry

    actor = "test"
    action = "test.write"
    object_type = "thing"
    object_id = factory.Sequence(lambda n: n)
    summary = factory.LazyAttribute(lambda o: {"n": o.object_id})

    @classmethod
    def _create(cls, model_class: type[LedgerEntry], *args: Any, **kwargs: Any) -> LedgerEntry:
        return ledger_append(**kwargs)


def _ledger(row: Any, action: str, object_type: str, create: bool, extracted: Any) -> None:
    """post_generation hook: record the new row with one entry unless ledgered=False."""
    if create and extracted is not False:
        ledger_append(actor="test", action=action, object_type=object_type, object_id=row.pk, summary={})


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """A top-level unit of its own, its materialised path set after the insert."""

    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"aud-unit-{n}")
    name = factory.Sequence(lambda n: f"Audit test unit {n}")
    kind = "branch"
    country = "GB"

    @factory.post_generation
    def set_path(self, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: ARG002 - factory_boy's hook
        self.path = f"/{self.pk:06d}/"
        if create:
            self.save(update_fields=["path"])


class GateDecisionFactory(factory.django.DjangoModelFactory):
    """A recorded gate decision (a review by default), ledgered as `gate.decide`."""

    class Meta:
        model = GateDecision
        skip_postgeneration_save = True

    gate = "sales_deal"
    reference = factory.Sequence(lambda n: f"SO-AUDIT-{n}")
    subject = factory.LazyAttribute(lambda o: {"reference": o.reference})
    outcome = "review"
    result = factory.LazyAttribute(lambda o: {"outcome": o.outcome})
    policy_version = "test"
    as_of = factory.LazyFunction(date.today)
    actor_label = "test"
    request_hash = factory.Sequence(lambda n: f"{n:064x}")

    @factory.post_generation
    def ledgered(self, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: ARG002
        _ledger(self, "gate.decide", "gate_decision", create, extracted)


class SupplierFactory(factory.django.DjangoModelFactory):
    """A supplier in a unit of its own, ledgered as `supplier.create`."""

    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Audit Test Supplier {n} Ltd")
    country = "GB"
    org_unit = factory.SubFactory(OrgUnitFactory)

    @factory.post_generation
    def ledgered(self, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: ARG002
        _ledger(self, "supplier.create", "supplier", create, extracted)
