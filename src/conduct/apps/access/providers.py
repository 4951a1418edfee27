"""The cross-app reads device access implements (conduct.events.access), registered by AccessConfig.ready:
the product register's customer portal asks which device models a customer owns."""

from __future__ import annotations

from conduct.apps.access.models import Device
from conduct.events.access import customer_device_models


def _customer_device_models(portal_org_id: int) -> list[str]:
    rows = Device.objects.filter(customer_id=portal_org_id).exclude(model="").values_list("model", flat=True)
    return sorted(set(rows))


customer_device_models.register(_customer_device_models)
