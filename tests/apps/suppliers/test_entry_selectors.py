"""What supplier pages and endpoints read first (selectors.entry): a role that may never do what the page is
for is refused (403) before its input is judged (422) or a record is looked up (404); the role that may gets
the record or the 404/422. Rows built here by factories."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from conduct.apps.accounts.roles import Role
from conduct.apps.errors import Forbidden, Invalid, NotFound
from conduct.apps.suppliers import selectors, services
from conduct.apps.suppliers.services import queued as queued_module
from tests.factories.accounts import OrgUnitFactory, UserFactory
from tests.factories.suppliers import SupplierFactory

NO_SUCH_ID = 2**62


@pytest.fixture
def unit(db: None) -> Any:
    return OrgUnitFactory()


@pytest.fixture
def liaison(unit: Any) -> Any:
    return UserFactory(role=Role.LIAISON, home_unit=unit, scope_units=[unit])


@pytest.fixture
def analyst_here(unit: Any) -> Any:
    return UserFactory(role=Role.ANALYST, home_unit=unit, scope_units=[unit])


def test_a_role_without_the_write_permission_is_refused_before_the_supplier_is_looked_up(
    analyst_here: Any,
) -> None:
    with pytest.raises(Forbidden, match=r"suppliers\.change"):
        selectors.supplier_for(actor=analyst_here, supplier_id=NO_SUCH_ID, permission="suppliers.change")


def test_a_role_with_the_permission_gets_the_supplier_or_404(liaison: Any, unit: Any) -> None:
    mine = SupplierFactory(org_unit=unit)
    elsewhere = SupplierFactory(org_unit=OrgUnitFactory())
    got = selectors.supplier_for(actor=liaison, supplier_id=mine.pk, permission="suppliers.change")
    assert got == mine
    with pytest.raises(NotFound):
        selectors.supplier_for(actor=liaison, supplier_id=elsewhere.pk, permission="suppliers.change")


def test_a_read_needs_the_read_permission_of_the_caller(analyst_here: Any, unit: Any) -> None:
    mine = SupplierFactory(org_unit=unit)
    assert selectors.supplier_for(actor=analyst_here, supplier_id=mine.pk) == mine
    customer = UserFactory(role=Role.CUSTOMER)
    with pytest.raises(Forbidden, match=r"suppliers\.portal"):
        selectors.supplier_index(actor=customer)


def test_staff_pages_refuse_portal_users_even_with_the_permission(db: None) -> None:
    supplier_user = UserFactory(role=Role.SUPPLIER)
    with pytest.raises(Forbidden, match=r"suppliers\.view"):
        selectors.supplier_for(
            actor=supplier_user, supplier_id=NO_SUCH_ID, permission="certificates.upload", staff=True
        )
    with pytest.raises(Forbidden, match=r"suppliers\.view"):
        selectors.supplier_index(actor=supplier_user, staff=True)


def test_portal_pages_refuse_staff_even_with_the_permission(liaison: Any) -> None:
    with pytest.raises(Forbidden, match=r"suppliers\.portal"):
        selectors.own_supplier(actor=liaison, permission="certificates.upload")
    with pytest.raises(Forbidden, match=r"suppliers\.portal"):
        selectors.action_for(actor=liaison, action_id=NO_SUCH_ID, permission="actions.work", portal=True)


def test_a_portal_user_without_a_supplier_record_gets_404(db: None) -> None:
    with pytest.raises(NotFound, match="not linked to a supplier"):
        selectors.own_supplier(actor=UserFactory(role=Role.SUPPLIER), permission="certificates.upload")


def test_an_unknown_unit_is_a_422_only_for_a_role_that_may_import(liaison: Any, db: None) -> None:
    with pytest.raises(Forbidden, match=r"suppliers\.import"):
        selectors.unit_ref(actor=liaison, ref="no-such-unit", permission="suppliers.import")
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER)
    for ref in ("no-such-unit", str(2**64)):
        with pytest.raises(Invalid) as caught:
            selectors.unit_ref(actor=officer, ref=ref, permission="suppliers.import")
        assert caught.value.fields == {"org_unit": f"No org unit {ref!r} that you can see."}
    assert selectors.unit_ref(actor=officer, ref="", permission="suppliers.import") is None


def test_a_list_filtered_by_an_unseen_unit_is_a_422_after_the_read_check(analyst_here: Any) -> None:
    customer = UserFactory(role=Role.CUSTOMER)
    with pytest.raises(Forbidden):
        selectors.certificate_index(actor=customer, org_unit_ref="no-such-unit")
    with pytest.raises(Invalid):
        selectors.action_index(actor=analyst_here, org_unit_ref="no-such-unit")


def test_the_import_offers_the_actors_units_and_refuses_a_role_that_may_never_import(
    liaison: Any, unit: Any
) -> None:
    with pytest.raises(Forbidden, match=r"suppliers\.import"):
        selectors.import_choices(actor=liaison)
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER, home_unit=unit, scope_units=[unit])
    assert list(selectors.import_choices(actor=officer)) == [unit]


def test_an_import_template_is_a_staff_download(analyst_here: Any) -> None:
    path = selectors.import_template_for(actor=analyst_here, kind="suppliers")
    assert path is not None and path.name == "suppliers.csv" and path.is_file()
    assert selectors.import_template_for(actor=analyst_here, kind="nothing") is None
    with pytest.raises(Forbidden):
        selectors.import_template_for(actor=UserFactory(role=Role.SUPPLIER), kind="suppliers")


def test_the_supplier_form_offers_unheld_portal_organisations(liaison: Any, unit: Any) -> None:
    held = UserFactory(role=Role.SUPPLIER).portal_org
    free = UserFactory(role=Role.SUPPLIER).portal_org
    supplier = SupplierFactory(org_unit=unit, portal_org=held)
    units, orgs = selectors.supplier_form_choices(actor=liaison)
    assert unit in units and free in orgs and held not in orgs
    _, orgs = selectors.supplier_form_choices(actor=liaison, supplier=supplier)
    assert held in orgs and free in orgs
    with pytest.raises(Forbidden, match=r"suppliers\.change"):
        selectors.supplier_form_choices(actor=UserFactory(role=Role.ANALYST))


def test_only_the_risk_role_queues_a_full_recompute(liaison: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    queued: list[str] = []

    def enqueue() -> Any:
        queued.append("risk_recompute")
        return SimpleNamespace(id="task-1")

    fake = SimpleNamespace(risk_recompute=SimpleNamespace(enqueue=enqueue))
    monkeypatch.setattr(queued_module, "tasks", fake)
    with pytest.raises(Forbidden, match=r"suppliers\.risk"):
        services.risk_recompute_queue(actor=liaison)
    assert queued == []
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER)
    assert services.risk_recompute_queue(actor=officer) == "task-1"
    assert queued == ["risk_recompute"]
