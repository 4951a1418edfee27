"""A device's installer / integrator is a party screened like any other: registering or importing devices
registers each distinct installer with screening, in the same transaction."""

from __future__ import annotations

import pytest

from conduct.apps.access import services
from conduct.apps.access.models import Device
from conduct.apps.access.services.devices import installer_reference
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.errors import Invalid
from conduct.apps.screening.models import ScreenedParty
from conduct.events import _bus, subscribe
from conduct.events.access import DeviceInstallersChanged
from tests.factories.accounts import OrgUnitFactory

HEADER = "serial,model,firmware,customer,site,installer\n"
FAILING = "tests.access.failing_after_screening"


@pytest.fixture
def top(world):
    """The top unit of the organisation tree (the test database may hold one already)."""
    OrgUnitFactory(code="installers-top")
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


def _installer_parties(*names: str) -> list[ScreenedParty]:
    return list(
        ScreenedParty.objects.filter(reference__in=[installer_reference(n) for n in names]).order_by(
            "reference"
        )
    )


def test_an_import_registers_one_screened_party_per_distinct_installer(world, top):
    services.devices_import(
        actor=CLI,
        text=HEADER
        + "T-INS-1,M,1,Metro Test Transit,Depot,Harbour Integrators Ltd\n"
        + "T-INS-2,M,1,Metro Test Transit,Depot,harbour  integrators LTD\n"
        + "T-INS-3,M,1,Harbour Test Hospital,Ward,Metro Fit-Out\n"
        + "T-INS-4,M,1,Harbour Test Hospital,Ward,\n",
    )
    parties = _installer_parties("Harbour Integrators Ltd", "Metro Fit-Out")
    assert [(p.reference, p.name, p.kind) for p in parties] == [
        ("installer:harbour-integrators-ltd", "Harbour Integrators Ltd", "integrator"),
        ("installer:metro-fit-out", "Metro Fit-Out", "integrator"),
    ]
    assert all(p.org_unit == top and p.entity_type == "organization" for p in parties)
    assert all(p.last_screened_at is not None for p in parties)


def test_the_same_installer_on_later_devices_is_the_same_party(world, top):
    services.devices_import(actor=CLI, text=HEADER + "T-INS-5,M,1,Metro Test Transit,,Acme Install\n")
    services.device_register(
        actor=CLI, spec=services.DeviceSpec(serial="T-INS-6", customer=world.metro, installer="ACME  install")
    )
    assert (
        installer_reference("Acme Install")
        == installer_reference(" acme   INSTALL ")
        == "installer:acme-install"
    )
    assert ScreenedParty.objects.filter(reference="installer:acme-install").count() == 1


def test_a_failed_import_registers_no_installer(world, top):
    text = HEADER + "T-INS-7,M,1,Metro Test Transit,,New Integrator\n,M,1,Nobody Ltd,,Other Integrator\n"
    with pytest.raises(Invalid):
        services.devices_import(actor=CLI, text=text)
    assert not _installer_parties("New Integrator", "Other Integrator")


def test_a_failure_after_the_parties_are_registered_undoes_devices_and_parties(world, top):
    @subscribe(DeviceInstallersChanged, name=FAILING)
    def failing(event: DeviceInstallersChanged) -> None:
        raise RuntimeError("a later handler failed")

    try:
        with pytest.raises(RuntimeError):
            services.devices_import(
                actor=CLI, text=HEADER + "T-INS-8,M,1,Metro Test Transit,,Late Integrator\n"
            )
    finally:
        with _bus._lock:
            _bus._handlers[DeviceInstallersChanged] = [
                (n, h) for n, h in _bus._handlers[DeviceInstallersChanged] if n != FAILING
            ]
    assert not Device.objects.filter(serial="T-INS-8").exists()
    assert not _installer_parties("Late Integrator")


def test_an_installer_name_without_a_letter_or_digit_is_a_row_error(world, top):
    with pytest.raises(Invalid) as caught:
        services.devices_import(actor=CLI, text=HEADER + "T-INS-9,M,1,Metro Test Transit,,---\n")
    assert set(caught.value.fields) == {"line 2.installer"}
