"""A small world for the device-access tests, built by factories: two customers (metro, harbour) with an
approver each, a plain customer user, two support engineers, devices of each customer, and the grant-
signing key in a temporary folder. Governance's incident handler is used when it is registered; otherwise
a stand-in opens "cases" (the tests check that one was opened for each unauthorised access).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from conduct.events import _bus, handlers, subscribe
from conduct.events.incidents import AccessIncidentRaised
from tests.factories.access import (
    ApproverFactory,
    CustomerFactory,
    CustomerUserFactory,
    DeviceFactory,
    SupportEngineerFactory,
)

GOVERNANCE_HANDLER = "governance.open_access_incident_case"
STAND_IN = "tests.access.stand_in_incident_case"


@dataclass
class World:
    metro: Any
    harbour: Any
    approver: Any
    other_approver: Any
    customer_user: Any
    engineer: Any
    other_engineer: Any
    cam1: Any
    cam2: Any
    harbour_cam: Any
    incidents: list[Any] = field(default_factory=list)


@pytest.fixture(autouse=True)
def grant_key(settings: Any, tmp_path: Any) -> Any:
    settings.CONDUCT = {**settings.CONDUCT, "GRANT_KEY_PATH": tmp_path / "keys" / "grants.pem"}
    return settings.CONDUCT["GRANT_KEY_PATH"]


@pytest.fixture
def incidents() -> Any:
    """The incident cases opened during the test (governance's, or the stand-in's)."""
    opened: list[Any] = []
    if GOVERNANCE_HANDLER in handlers(AccessIncidentRaised):
        yield opened
        return

    @subscribe(AccessIncidentRaised, name=STAND_IN)
    def stand_in(event: AccessIncidentRaised) -> Any:
        case = SimpleNamespace(pk=9000 + len(opened), event=event)
        opened.append(case)
        return case

    yield opened
    _bus._handlers[AccessIncidentRaised] = [
        (name, h) for name, h in _bus._handlers.get(AccessIncidentRaised, []) if name != STAND_IN
    ]


@pytest.fixture
def world(db: None, incidents: list[Any]) -> World:
    metro = CustomerFactory(name="Metro Test Transit")
    harbour = CustomerFactory(name="Harbour Test Hospital")
    return World(
        metro=metro,
        harbour=harbour,
        approver=ApproverFactory(username="t_approver_metro", portal_org=metro),
        other_approver=ApproverFactory(username="t_approver_harbour", portal_org=harbour),
        customer_user=CustomerUserFactory(username="t_customer_metro", portal_org=metro),
        engineer=SupportEngineerFactory(username="t_engineer"),
        other_engineer=SupportEngineerFactory(username="t_engineer_2"),
        cam1=DeviceFactory(serial="T-CAM-1", customer=metro),
        cam2=DeviceFactory(serial="T-CAM-2", customer=metro),
        harbour_cam=DeviceFactory(serial="T-HARB-1", customer=harbour),
        incidents=incidents,
    )


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
