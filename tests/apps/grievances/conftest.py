"""The grievance tests' cast (built by factories): two grievance officers, and helpers that make a report
through the public API and open a reporter session with its receipt."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories.grievances import GrievanceOfficerFactory


@pytest.fixture
def officers(db: None) -> tuple[Any, Any]:
    return GrievanceOfficerFactory(), GrievanceOfficerFactory()


def post_json(client: Client, url: str, body: Any, **extra: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def report(db: None) -> Callable[..., tuple[int, str]]:
    """report(**fields) -> (grievance id, receipt) of a report made through POST /api/v1/public/grievances."""
    from conduct.apps.grievances.models import Grievance

    def make(**fields: Any) -> tuple[int, str]:
        body = {"description": "Night shifts without breaks at the warehouse.", **fields}
        response = post_json(Client(), "/api/v1/public/grievances", body)
        assert response.status_code == 201, response.content
        receipt = response.json()["receipt"]
        return Grievance.objects.order_by("-pk").values_list("pk", flat=True)[0], receipt

    return make


@pytest.fixture
def session(db: None) -> Callable[[str], str]:
    """session(receipt) -> a reporter session token."""

    def make(receipt: str) -> str:
        response = post_json(Client(), "/api/v1/public/grievances/session", {"receipt": receipt})
        assert response.status_code == 200, response.content
        return str(response.json()["session"])

    return make
