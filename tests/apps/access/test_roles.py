"""Only the device's own customer's approvers answer; nobody at the company approves (no break-glass); support
engineers see only their own requests; customers see only their organisation's."""

from __future__ import annotations

import json

import pytest

from conduct.apps.access import selectors, services
from conduct.apps.accounts.actors import CLI, SCHEDULER
from conduct.apps.errors import Forbidden
from tests.apps.access.conftest import client_for


def _request(world, engineer=None, serial="T-CAM-1"):
    return services.access_request_create(
        actor=engineer or world.engineer, serials=[serial], scopes=["read_logs"], reason="why"
    )


@pytest.mark.parametrize("who", ["other_approver", "customer_user", "engineer", "other_engineer"])
def test_nobody_but_the_devices_own_customers_approvers_may_approve_or_deny(world, who):
    request = _request(world)
    for answer in (services.access_request_approve, services.access_request_deny):
        with pytest.raises(Forbidden):
            answer(actor=getattr(world, who), request=request)


@pytest.mark.parametrize("role", ["admin", "compliance_officer", "auditor", "analyst"])
def test_nobody_at_the_company_may_approve(world, role):
    from tests.factories.access import _UserFactory

    staff = _UserFactory(role=role)
    with pytest.raises(Forbidden):
        services.access_request_approve(actor=staff, request=_request(world))


@pytest.mark.parametrize("system", [CLI, SCHEDULER])
def test_a_system_actor_cannot_approve_there_is_no_break_glass(world, system):
    with pytest.raises(Forbidden) as caught:
        services.access_request_approve(actor=system, request=_request(world))
    assert caught.value.code == "person_required"


def test_whoever_requested_cannot_approve(world):
    request = _request(world)
    request.requested_by = world.approver  # only reachable if someone held both roles: still refused
    request.save()
    with pytest.raises(Forbidden) as caught:
        services.access_request_approve(actor=world.approver, request=request)
    assert caught.value.code == "own_request"


def test_an_approval_may_not_widen_the_request(world):
    from conduct.apps.errors import Invalid

    request = _request(world)
    with pytest.raises(Invalid) as caught:
        services.access_request_approve(actor=world.approver, request=request, hours=5, scopes=["configure"])
    assert set(caught.value.fields) == {"hours", "scopes"}


def test_only_support_engineers_request(world):
    for actor in (world.approver, world.customer_user):
        with pytest.raises(Forbidden):
            _request(world, engineer=actor)


def test_support_engineers_see_only_their_requests_and_customers_only_theirs(world):
    mine = _request(world)
    theirs = _request(world, engineer=world.other_engineer, serial="T-HARB-1")
    assert list(selectors.access_request_list(actor=world.engineer)) == [mine]
    assert list(selectors.access_request_list(actor=world.other_approver)) == [theirs]
    assert list(selectors.access_request_list(actor=world.customer_user)) == [mine]
    api = client_for(world.engineer)
    assert [r["id"] for r in api.get("/api/v1/access-requests").json()["items"]] == [mine.pk]
    assert api.get(f"/api/v1/access-requests/{theirs.pk}").status_code == 404
    assert client_for(world.other_approver).get(f"/access/requests/{mine.pk}/").status_code == 404


def test_an_approver_of_another_customer_gets_404_from_the_api(world):
    request = _request(world)
    response = client_for(world.other_approver).post(
        f"/api/v1/access-requests/{request.pk}/approve", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 404


def test_the_approver_answers_from_the_portal_page(world):
    request = _request(world)
    page = client_for(world.approver)
    assert "Approve" in page.get(f"/access/requests/{request.pk}/").content.decode()
    response = page.post(f"/access/requests/{request.pk}/approve", {"hours": "1", "scopes": ["read_logs"]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.approved_hours) == ("approved", 1)
