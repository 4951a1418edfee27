"""Fixtures for the catalog tests.

The catalog reads gate decisions, audits, certificates and suppliers through providers that gates and
suppliers register. Until they do, stand-ins with the same contract (the row the actor may read, NotFound
otherwise; any row for a system actor) are registered for these tests, and taken off again afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conduct.apps.accounts.actors import SystemActor
from conduct.events import Provider
from conduct.events.gates import decision_for
from conduct.events.suppliers import audit_for, certificate_for, supplier_for


def _read(model_path: str, selector_path: str, id_name: str) -> Callable[..., Any]:
    def read(*, actor: Any, **ids: int) -> Any:
        from importlib import import_module

        from conduct.apps.errors import NotFound

        record_id = ids[id_name]
        if isinstance(actor, SystemActor):
            module, name = model_path.rsplit(".", 1)
            model = getattr(import_module(module), name)
            found = model.objects.filter(pk=record_id).first()
            if found is None:
                raise NotFound(f"No {name} {record_id}.")
            return found
        module, name = selector_path.rsplit(".", 1)
        return getattr(import_module(module), name)(actor=actor, **{id_name: record_id})

    return read


STAND_INS: list[tuple[Provider[..., Any], Callable[..., Any]]] = [
    (
        decision_for,
        _read(
            "conduct.apps.gates.models.GateDecision",
            "conduct.apps.gates.selectors.decision_get",
            "decision_id",
        ),
    ),
    (
        audit_for,
        _read(
            "conduct.apps.suppliers.models.SupplierAudit",
            "conduct.apps.suppliers.selectors.audit_get",
            "audit_id",
        ),
    ),
    (
        certificate_for,
        _read(
            "conduct.apps.suppliers.models.Certificate",
            "conduct.apps.suppliers.selectors.certificate_get",
            "certificate_id",
        ),
    ),
    (
        supplier_for,
        _read(
            "conduct.apps.suppliers.models.Supplier",
            "conduct.apps.suppliers.selectors.supplier_get",
            "supplier_id",
        ),
    ),
]


@pytest.fixture(autouse=True, scope="session")
def _providers_until_their_apps_register_them() -> Iterator[None]:
    added = [provider for provider, impl in STAND_INS if not provider.registered and provider.register(impl)]
    yield
    for provider in added:
        provider._impl = None  # the bus has no public way to unregister: apps never do
