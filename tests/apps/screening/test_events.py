"""Screening through domain events and providers: an escalation asks governance for a case through
AlertEscalated, a list load emits ListVersionLoaded (its own handler queues the delta screening), suppliers
that changed are registered as parties, and the gates' screener and the suppliers' screening facts are
providers."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conduct.apps.accounts.actors import CLI, SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.screening.handlers import register_installers, register_suppliers
from conduct.apps.screening.models import Alert, AlertStatus, ScreenedParty, WatchList
from conduct.apps.screening.services import (
    EscalationUnhandled,
    PolicyScreener,
    alert_review,
    list_load,
    party_register,
)
from conduct.events import _bus, emit, handlers, subscribe
from conduct.events.access import DeviceInstallersChanged, InstallerParty
from conduct.events.screening import AlertEscalated, ListVersionLoaded, gate_screener, supplier_screening
from conduct.events.suppliers import SuppliersChanged
from tests.apps.screening.conftest import unsubscribe, write_list
from tests.factories.screening import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

ROWS = {"E-1": "E-1,Vantablack Harbour Logistics Limited,,organization,GB,TEST,\n"}


def _alert(tmp_path: Path) -> tuple[Alert, Any]:
    """An open alert on a party of a unit of its own, and an officer who may review it."""
    unit = OrgUnitFactory()
    list_load(actor=CLI, path=write_list(tmp_path, ROWS, "events.csv"), name="events_list")
    party, _ = party_register(
        actor=SYSTEM,
        reference="customer:EVENTS-1",
        kind="customer",
        name="Vantablack Harbour Logistics Ltd",
        country="GB",
        org_unit=unit,
    )
    officer = UserFactory(role="compliance_officer", home_unit=unit)
    return Alert.objects.get(party=party, status=AlertStatus.OPEN), officer


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def __call__(self, event: Any) -> None:
        self.events.append(event)


def test_an_escalation_asks_for_a_case_through_the_event_and_links_the_answer(tmp_path):
    alert, officer = _alert(tmp_path)
    seen = Recorder()
    subscribe(AlertEscalated, name="tests.seen")(seen)
    try:
        escalated = alert_review(actor=officer, alert=alert, decision="escalate", reason="Looks like them")
    finally:
        unsubscribe(AlertEscalated, "tests.seen")
    [event] = seen.events
    assert event.alert.pk == alert.pk and event.actor == officer and event.subject_ref == f"alert {alert.pk}"
    assert event.dimension == "product" and event.org_unit == alert.party.org_unit
    assert "Escalated because: Looks like them" in event.description
    assert escalated.case is not None and escalated.case.subject_ref == f"alert {alert.pk}"
    # the case's entries first, then the alert's escalation naming the case, as before the event existed
    entries = list(LedgerEntry.objects.order_by("-seq")[:2])[::-1]
    assert entries[1].action == "screening.alert_escalate" and entries[1].summary["case"] == escalated.case.pk
    assert entries[0].action.startswith("case.")


def test_an_escalation_nobody_answers_is_refused_and_changes_nothing(tmp_path):
    alert, officer = _alert(tmp_path)
    registered = list(_bus._handlers.get(AlertEscalated, []))
    _bus._handlers[AlertEscalated] = []
    before = LedgerEntry.objects.count()
    try:
        with pytest.raises(EscalationUnhandled, match="No handler of AlertEscalated"):
            alert_review(actor=officer, alert=alert, decision="escalate", reason="Looks like them")
    finally:
        _bus._handlers[AlertEscalated] = (
            registered  # whatever answered before (governance's, or the stand-in)
        )
    alert.refresh_from_db()
    assert alert.case_id is None and alert.status == AlertStatus.OPEN
    assert LedgerEntry.objects.count() == before


def test_a_new_list_version_is_announced_and_queues_its_delta_screening(
    tmp_path, django_capture_on_commit_callbacks
):
    seen = Recorder()
    subscribe(ListVersionLoaded, name="tests.seen")(seen)
    path = write_list(tmp_path, ROWS, "announced.csv")
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            loaded = list_load(actor=CLI, path=path, name="announced")
        again = list_load(actor=CLI, path=path, name="announced")  # the same file: nothing new
    finally:
        unsubscribe(ListVersionLoaded, "tests.seen")
    [event] = seen.events
    assert (event.watch_list_id, event.version_id, event.name) == (
        loaded.watch_list.pk,
        loaded.version.pk,
        "announced",
    )
    assert event.changed and event.actor == CLI and not again.created
    assert {"screening.queue_delta_screening", "gates.recheck_after_list_load"} <= set(
        handlers(ListVersionLoaded)
    )
    assert len(callbacks) == 2  # the delta screening and the gates' re-check, queued for after the commit


def test_the_queued_delta_screening_screens_the_stored_parties(tmp_path, django_capture_on_commit_callbacks):
    unit = OrgUnitFactory()
    party, _ = party_register(
        actor=SYSTEM,
        reference="customer:EVENTS-2",
        kind="customer",
        name="Vantablack Harbour Logistics Ltd",
        country="GB",
        org_unit=unit,
    )
    assert not party.alerts.exists()
    with django_capture_on_commit_callbacks(execute=True):
        list_load(actor=CLI, path=write_list(tmp_path, ROWS, "delta.csv"), name="delta_announced")
    watch_list = WatchList.objects.get(name="delta_announced")
    assert watch_list.screened_version_id == watch_list.current_version.pk
    assert party.alerts.filter(watch_list=watch_list, source_id="E-1").exists()


def test_changed_suppliers_are_registered_and_screened_as_parties(tmp_path):
    unit = OrgUnitFactory()
    list_load(actor=CLI, path=write_list(tmp_path, ROWS, "suppliers.csv"), name="supplier_events")
    supplier = SimpleNamespace(
        pk=9_000_001, name="Vantablack Harbour Logistics Ltd", aliases=["VHL"], country="GB", org_unit=unit
    )
    event = SuppliersChanged(
        actor=UserFactory(role="compliance_officer"), suppliers=(supplier,), reason="create"
    )
    assert "screening.register_suppliers" in handlers(SuppliersChanged)
    register_suppliers(event)  # screening's handler alone: suppliers' own handlers are theirs to test
    party = ScreenedParty.objects.get(reference="supplier:9000001")
    assert (party.kind, party.name, party.aliases, party.entity_type, party.org_unit) == (
        "supplier",
        "Vantablack Harbour Logistics Ltd",
        ["VHL"],
        "organization",
        unit,
    )
    assert party.last_screened_at is not None and party.alerts.filter(source_id="E-1").exists()
    created = LedgerEntry.objects.get(action="screening.party_create", object_id=str(party.pk))
    assert created.actor == "system"  # written by the system, as the suppliers' port always did


def test_suppliers_changed_without_screening_registers_nothing():
    supplier = SimpleNamespace(
        pk=9_000_002, name="Quiet Supplier Ltd", aliases=[], country="GB", org_unit=None
    )
    register_suppliers(SuppliersChanged(actor=SYSTEM, suppliers=(supplier,), reason="update", screen=False))
    assert not ScreenedParty.objects.filter(reference="supplier:9000002").exists()


def test_device_installers_are_registered_and_screened_as_integrator_parties(tmp_path):
    unit = OrgUnitFactory()
    list_load(actor=CLI, path=write_list(tmp_path, ROWS, "installers.csv"), name="installer_events")
    event = DeviceInstallersChanged(
        actor=CLI,
        installers=(
            InstallerParty("installer:vantablack-harbour-logistics-ltd", "Vantablack Harbour Logistics Ltd"),
            InstallerParty("installer:quiet-fitters", "Quiet Fitters", country="GB", org_unit=unit),
        ),
        devices=("SN-1", "SN-2"),
    )
    assert "screening.register_installers" in handlers(DeviceInstallersChanged)
    assert register_installers(event) == 2
    flagged = ScreenedParty.objects.get(reference="installer:vantablack-harbour-logistics-ltd")
    top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    assert (flagged.kind, flagged.entity_type, flagged.country, flagged.org_unit) == (
        "integrator",
        "organization",
        "",
        top,  # a party of no unit goes under the top of the tree
    )
    assert flagged.alerts.filter(source_id="E-1").exists()
    quiet = ScreenedParty.objects.get(reference="installer:quiet-fitters")
    assert (quiet.country, quiet.org_unit, quiet.last_screened_at is not None) == ("GB", unit, True)
    created = LedgerEntry.objects.get(action="screening.party_create", object_id=str(quiet.pk))
    assert created.actor == "system"
    # the same installer again updates nothing and adds no party
    assert emit(event)[0] == 2
    assert ScreenedParty.objects.filter(reference__startswith="installer:quiet-fitters").count() == 1


def test_screening_answers_the_providers_other_apps_call(tmp_path):
    unit = OrgUnitFactory()
    list_load(actor=CLI, path=write_list(tmp_path, ROWS, "providers.csv"), name="provider_list")
    party_register(
        actor=SYSTEM,
        reference="supplier:9000003",
        kind="supplier",
        name="Vantablack Harbour Logistics Ltd",
        country="GB",
        org_unit=unit,
    )
    screener = gate_screener()
    assert isinstance(screener, PolicyScreener)
    assert any(hit.entry_id == "E-1" for hit in screener.screen("Vantablack Harbour Logistics Ltd"))
    facts = supplier_screening([9_000_003, 9_000_004])
    assert list(facts) == [9_000_003] and facts[9_000_003]["open_alerts"] >= 1


def test_preload_loads_every_current_list_index_and_the_name_tables(tmp_path, monkeypatch):
    from conduct.apps.screening import indexes, selectors

    list_load(actor=CLI, path=write_list(tmp_path, ROWS, "preload.csv"), name="preload_list")
    indexes.forget()
    looked_up = []
    monkeypatch.setattr(selectors, "load_dictionary", lambda: looked_up.append("dictionary"))
    monkeypatch.setattr(selectors.dictionary, "ensure", lambda: True)  # the file: test_dictionary_file.py
    before = indexes.STATS["loaded"] + indexes.STATS["built"]
    names = selectors.preload()
    assert names >= 1 and looked_up == ["dictionary"]
    assert indexes.STATS["loaded"] + indexes.STATS["built"] > before  # read from its artefact or built
    memory = indexes.STATS["memory"]
    lists = indexes.current_lists()  # what a worker's first screening asks for is in memory already
    assert indexes.STATS["memory"] > memory
    assert all(current.index._by_length is not None for current in lists)  # built once, before the fork
