"""A body's references to units and users are checked as fields: never an AssertionError or an overflow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conduct.apps.accounts.models import Liaison
from conduct.apps.accounts.roles import Role
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(user: Any, url: str, body: dict[str, Any]) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(url, json.dumps(body), content_type="application/json")


def field_errors(response: Any) -> dict[str, str]:
    fields: dict[str, str] = response.json()["error"]["fields"]
    return fields


def test_a_liaison_with_an_empty_org_unit_is_a_field_error() -> None:
    admin = UserFactory(role=Role.ADMIN)
    analyst = UserFactory()
    response = post(admin, "/api/v1/liaisons", {"user": analyst.username, "org_unit": ""})
    assert response.status_code == 422, response.content
    assert "org_unit" in field_errors(response)
    assert not Liaison.objects.filter(user=analyst).exists()


@pytest.mark.parametrize("org_unit", [99999999999999999999, "99999999999999999999", "no-such-unit"])
def test_a_liaison_for_an_unknown_or_impossible_unit_is_a_field_error(org_unit: Any) -> None:
    admin = UserFactory(role=Role.ADMIN)
    response = post(admin, "/api/v1/liaisons", {"user": UserFactory().username, "org_unit": org_unit})
    assert response.status_code == 422, response.content
    assert "org_unit" in field_errors(response)


@pytest.mark.parametrize("user", ["", 99999999999999999999, "nobody-by-this-name"])
def test_a_liaison_for_an_unknown_user_is_a_field_error(user: Any) -> None:
    admin = UserFactory(role=Role.ADMIN)
    unit = OrgUnitFactory()
    response = post(admin, "/api/v1/liaisons", {"user": user, "org_unit": unit.code})
    assert response.status_code == 422, response.content
    assert "user" in field_errors(response)


def test_a_liaison_is_appointed_by_unit_code_and_user_name() -> None:
    admin = UserFactory(role=Role.ADMIN)
    unit = OrgUnitFactory()
    analyst = UserFactory()
    response = post(admin, "/api/v1/liaisons", {"user": analyst.username, "org_unit": unit.code})
    assert response.status_code == 201, response.content
    assert Liaison.objects.filter(user=analyst, org_unit=unit).exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/org-units/99999999999999999999", "/api/v1/users/99999999999999999999"]
)
def test_an_id_too_large_for_any_row_is_not_found(path: str) -> None:
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN))
    assert client.get(path).status_code == 404
