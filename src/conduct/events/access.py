"""Events the device-access module emits: its devices' installers must be screened like any other party."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conduct.events._bus import Event, Provider


@dataclass(frozen=True)
class InstallerParty:
    """One installer / integrator named on devices, as a party to screen.

    reference: "installer:<slug of the name>", the same for every device naming that installer (so a second
    import updates the party rather than adding one). name: the installer's name as written on the device.
    country: ISO 3166-1 alpha-2 code, or "" when unknown (a device file does not say where the installer is).
    org_unit: the OrgUnit that answers for the party, or None (devices belong to no unit today: screening
    files it under the top unit of the organisation tree)."""

    reference: str
    name: str
    country: str = ""
    org_unit: Any = None


@dataclass(frozen=True)
class DeviceInstallersChanged(Event):
    """Devices naming an installer were registered: each distinct installer is a party to screen.

    Emitted by device access (`access.services.devices`: `device_register` and `devices_import`, from the API,
    the page, the CLI and the demo alike) once per registration or import that names at least one installer,
    inside its transaction, after the devices are written and before their ledger entry. Handled by screening,
    which registers (or updates) each installer as a screened party of kind "integrator" and screens it
    (`party_upsert` as the system); a handler's failure undoes the whole registration or import. Handlers
    return nothing the emitter reads.

    actor: who registered the devices (a User or a SystemActor). installers: one InstallerParty per distinct
    installer (by reference), in the order first named. devices: the serial numbers registered.
    """

    actor: Any
    installers: tuple[InstallerParty, ...]
    devices: tuple[str, ...] = ()


customer_device_models: Provider[[int], list[str]] = Provider(
    "access.customer_device_models",
    "customer_device_models(portal_org_id) -> the distinct device models (as written on the devices, e.g."
    " 'NV-Dome 4K') of the devices that customer organisation owns, sorted; [] for an organisation with none."
    " The product register's customer portal matches them to its products.",
)
