"""Devices: register one, import a CSV of them (all or nothing), and issue a device's own API token."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conduct.apps.access.models import Device
from conduct.apps.access.services._common import AccessAction
from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import PortalOrganisation
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, raise_if
from conduct.events import emit
from conduct.events.access import DeviceInstallersChanged, InstallerParty

IMPORT_COLUMNS = ("serial", "model", "firmware", "customer", "site", "installer")
TOKEN_PREFIX = "cdv_"  # noqa: S105 - the public prefix of device tokens
MAX_IMPORT_ROWS = 10_000


@dataclass(frozen=True)
class DeviceSpec:
    serial: str
    customer: PortalOrganisation
    model: str = ""
    firmware: str = ""
    site: str = ""
    installer: str = ""


def _customer(name: str) -> PortalOrganisation | None:
    return PortalOrganisation.objects.filter(kind=PortalOrganisation.Kind.CUSTOMER, name=name.strip()).first()


def _check(spec: DeviceSpec) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not spec.serial.strip() or len(spec.serial) > 100:
        errors["serial"] = _("A serial number of 1-100 characters is required.")
    for name, limit in (("model", 200), ("firmware", 100), ("site", 300), ("installer", 300)):
        if len(getattr(spec, name)) > limit:
            errors[name] = _("At most %(n)d characters.") % {"n": limit}
    if spec.installer.strip() and not any(ch.isalnum() for ch in spec.installer):
        # the installer is screened as a party: its name needs something to match on
        errors["installer"] = _("An installer's name needs at least one letter or digit.")
    return errors


@transaction.atomic
def device_register(*, actor: Actor, spec: DeviceSpec) -> tuple[Device, str]:
    """Register one device; returns it with its API token (shown once: only a hash is kept)."""
    authorize(actor, "devices.manage")
    raise_if(_check(spec), _("The device is not valid."))
    if Device.objects.filter(serial=spec.serial.strip()).exists():
        raise Conflict(
            _("Device %(serial)s is already registered.") % {"serial": spec.serial},
            fields={"serial": _("Already registered.")},
        )
    device = Device.objects.create(
        serial=spec.serial.strip(),
        model=spec.model,
        firmware=spec.firmware,
        customer=spec.customer,
        site=spec.site,
        installer=spec.installer,
    )
    secret = _set_token(device)
    _screen_installers(actor, [device])
    ledger_append(
        actor=actor,
        action=AccessAction.DEVICE_REGISTER,
        object_type="device",
        object_id=device.pk,
        summary={"serial": device.serial, "customer": spec.customer.name, "model": spec.model},
    )
    return device, secret


def installer_reference(name: str) -> str:
    """The screened party's reference for an installer: "installer:<slug>", the same for the same name
    (case, spacing and punctuation aside); a name with no letter or digit to slug is named by its hash."""
    text = " ".join(name.split()).casefold()
    slug = slugify(text, allow_unicode=True)[:150] or hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"installer:{slug}"


def _screen_installers(actor: Actor, devices: list[Device]) -> None:
    """Emit DeviceInstallersChanged for the devices' distinct installers (screening registers them as parties,
    inside this transaction)."""
    parties: dict[str, InstallerParty] = {}
    for device in devices:
        name = " ".join(device.installer.split())
        if name:
            parties.setdefault(installer_reference(name), InstallerParty(installer_reference(name), name))
    if parties:
        emit(
            DeviceInstallersChanged(
                actor=actor, installers=tuple(parties.values()), devices=tuple(d.serial for d in devices)
            )
        )


def _set_token(device: Device) -> str:
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    device.token_prefix = prefix
    device.token_hash = hashlib.sha256(secret.encode()).hexdigest()
    device.save(update_fields=["token_prefix", "token_hash"])
    return secret


@transaction.atomic
def device_token_issue(*, actor: Actor, device: Device) -> str:
    """A new API token for the device (the old one stops working); shown once."""
    authorize(actor, "devices.manage")
    secret = _set_token(device)
    ledger_append(
        actor=actor,
        action=AccessAction.DEVICE_TOKEN,
        object_type="device",
        object_id=device.pk,
        summary={"serial": device.serial, "prefix": device.token_prefix},
    )
    return secret


def device_authenticate(secret: str) -> Device | None:
    """The device a `cdv_` token belongs to, or None (constant-time comparison of the hashes)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    prefix = secret[len(TOKEN_PREFIX) :].split("_", 1)[0]
    device = Device.objects.filter(token_prefix=prefix).exclude(token_hash="").first()
    if device is None:
        return None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return device if hmac.compare_digest(digest, device.token_hash) else None


def _read_rows(text: str) -> tuple[list[DeviceSpec], dict[str, str]]:
    errors: dict[str, str] = {}
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    if header != IMPORT_COLUMNS:
        return [], {"header": _("Expected the columns %(cols)s.") % {"cols": ",".join(IMPORT_COLUMNS)}}
    specs: list[DeviceSpec] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if line > MAX_IMPORT_ROWS + 1:
            errors[f"line {line}"] = _("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS}
            break
        values = {k: (row.get(k) or "").strip() for k in IMPORT_COLUMNS}
        customer = _customer(values["customer"])
        if customer is None:
            errors[f"line {line}.customer"] = _("No customer organisation named %(name)r.") % {
                "name": values["customer"]
            }
            continue
        spec = DeviceSpec(customer=customer, **{k: v for k, v in values.items() if k != "customer"})
        for field, message in _check(spec).items():
            errors[f"line {line}.{field}"] = message
        if spec.serial in seen or Device.objects.filter(serial=spec.serial).exists():
            errors[f"line {line}.serial"] = _("Serial %(serial)s is already registered.") % {
                "serial": spec.serial
            }
        seen.add(spec.serial)
        specs.append(spec)
    if not specs and not errors:
        errors["file"] = _("The file has no devices.")
    return specs, errors


@transaction.atomic
def devices_import(*, actor: Actor, text: str) -> list[Device]:
    """Register every device of a CSV (serial,model,firmware,customer,site,installer), or none: any row error
    refuses the whole file, with each error named by line and column."""
    authorize(actor, "devices.manage")
    specs, errors = _read_rows(text)
    raise_if(errors, _("The device file has errors; nothing was imported."))
    devices = Device.objects.bulk_create(
        [
            Device(
                serial=s.serial,
                model=s.model,
                firmware=s.firmware,
                customer=s.customer,
                site=s.site,
                installer=s.installer,
            )
            for s in specs
        ]
    )
    _screen_installers(actor, devices)
    ledger_append(
        actor=actor,
        action=AccessAction.DEVICE_IMPORT,
        object_type="device",
        object_id="import",
        summary={"serials": [d.serial for d in devices]},
    )
    return list(Device.objects.filter(serial__in=[d.serial for d in devices]))


__all__ = [
    "DeviceSpec",
    "Invalid",
    "device_authenticate",
    "device_register",
    "device_token_issue",
    "devices_import",
]
