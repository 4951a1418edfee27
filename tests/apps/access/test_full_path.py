"""The whole path, from the services and the API: request -> customer approval -> signed grant -> offline
verify (allowed; other device, other scope, expired, revoked all refused) -> events -> an unauthorised
access opens an incident case and notifies the customer's approvers.
"""

from __future__ import annotations

import json
from datetime import timedelta

from conduct.apps.access import selectors, services
from conduct.apps.access.keys import grant_public_key
from conduct.apps.access.models import AccessEvent, RequestStatus
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.notifications.models import Notification
from conduct.core.grants import GrantReason, verify_grant, verify_revocations
from tests.apps.access.conftest import client_for


def _request(world, **kw):
    args = {
        "actor": world.engineer,
        "serials": ["T-CAM-1"],
        "scopes": ["read_logs", "view_live"],
        "reason": "Dropped frames",
        "hours": 8,
        "ticket": "T-1",
    } | kw
    return services.access_request_create(**args)


def test_a_request_notifies_only_its_customers_approvers_and_is_ledgered(world):
    request = _request(world)
    assert request.status == RequestStatus.PENDING and request.customer == world.metro
    assert Notification.objects.filter(user=world.approver).count() == 1
    assert not Notification.objects.filter(user=world.other_approver).exists()
    entry = LedgerEntry.objects.get(action="access_request.create", object_id=str(request.pk))
    assert entry.actor.endswith(":t_engineer") and entry.summary["devices"] == ["T-CAM-1"]


def test_approval_for_fewer_hours_and_scopes_issues_a_grant_the_device_verifies_offline(world):
    request = _request(world)
    [grant] = services.access_request_approve(
        actor=world.approver, request=request, hours=2, scopes=["read_logs"], comment="logs only"
    )
    assert grant.scopes == ["read_logs"] and grant.expires_at - grant.not_before == timedelta(hours=2)
    public = grant_public_key()
    during = grant.not_before + timedelta(minutes=30)

    def check(**kw):
        args = {"now": during, "device_id": "T-CAM-1", "scope": "read_logs"} | kw
        return verify_grant(public, grant.token, **args)

    assert check().ok
    assert check(device_id="T-CAM-2").reason == GrantReason.WRONG_DEVICE
    assert check(scope="view_live").reason == GrantReason.SCOPE_NOT_GRANTED
    assert check(now=grant.expires_at).reason == GrantReason.EXPIRED
    services.grant_revoke(actor=world.approver, grant=grant, comment="done")
    revoked = verify_revocations(public, selectors.revocations_current(actor=world.approver).token).revoked
    assert check(revoked_ids=revoked).reason == GrantReason.REVOKED
    assert Notification.objects.filter(user=world.engineer, kind="decision").count() == 2  # approved, revoked


def test_events_are_reconciled_and_an_unauthorised_one_opens_an_incident_and_notifies(world):
    [grant] = services.access_request_approve(actor=world.approver, request=_request(world))
    start = grant.not_before + timedelta(minutes=1)
    ok = {
        "device": "T-CAM-1",
        "grant_id": grant.grant_id,
        "actor": "support:t_engineer",
        "scope": "read_logs",
    }
    rows = [
        ok | {"started_at": start.isoformat(), "ended_at": (start + timedelta(minutes=20)).isoformat()},
        # runs past the grant's end: not covered
        ok
        | {
            "started_at": start.isoformat(),
            "ended_at": (grant.expires_at + timedelta(minutes=1)).isoformat(),
        },
        # no grant at all for this device
        ok
        | {
            "device": "T-CAM-2",
            "grant_id": None,
            "started_at": start.isoformat(),
            "ended_at": start.isoformat(),
        },
    ]
    before = Notification.objects.filter(user=world.approver).count()
    result = services.access_events_record(actor=world.approver and _staff(), rows=rows)
    assert (result.authorised, result.unauthorised) == (1, 2)
    assert len(result.incidents) == 2 and len(world.incidents) in (0, 2)  # the stand-in's, or governance's
    bad = AccessEvent.objects.filter(authorised=False, device__serial__startswith="T-").order_by("pk")
    assert [e.reason for e in bad] == [
        "no grant covers this scope for the whole session",
        "no grant for this device",
    ]
    assert all(e.incident_case_id for e in bad)
    assert Notification.objects.filter(user=world.approver).count() == before + 2
    assert not Notification.objects.filter(user=world.other_approver).exists()


def test_an_access_that_started_after_the_revocation_is_unauthorised_one_before_it_is_not(world):
    [grant] = services.access_request_approve(actor=world.approver, request=_request(world))
    services.grant_revoke(actor=_staff(), grant=grant)
    grant.refresh_from_db()
    row = {"device": "T-CAM-1", "grant_id": grant.grant_id, "actor": "a", "scope": "read_logs"}
    before = row | {
        "started_at": grant.not_before.isoformat(),  # before the revocation: covered (it may run on)
        "ended_at": grant.revoked_at.isoformat(),
    }
    after = row | {"started_at": grant.revoked_at.isoformat(), "ended_at": grant.revoked_at.isoformat()}
    result = services.access_events_record(actor=_staff(), rows=[before, after])
    assert (result.authorised, result.unauthorised) == (1, 1)
    assert (
        AccessEvent.objects.get(authorised=False, device__serial="T-CAM-1").reason
        == f"grant {grant.grant_id} was revoked before the access"
    )


def test_the_api_path_request_approve_verify_and_report(world):
    engineer, approver = client_for(world.engineer), client_for(world.approver)
    body = {
        "devices": ["T-CAM-1"],
        "scopes": ["configure"],
        "hours": 3,
        "reason": "Reconfigure",
        "ticket": "T-9",
    }
    created = engineer.post("/api/v1/access-requests", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert created.json()["status"] == "pending" and created.json()["devices"] == ["T-CAM-1"]
    approved = approver.post(
        f"/api/v1/access-requests/{request_id}/approve",
        json.dumps({"hours": 1}),
        content_type="application/json",
    )
    assert approved.status_code == 200, approved.content
    grant = approved.json()["grants"][0]
    assert approved.json()["request"]["status"] == "approved" and grant["scopes"] == ["configure"]
    check = verify_grant(
        grant_public_key(),
        grant["token"],
        now=world.cam1.created_at.__class__.fromisoformat(grant["not_before"]) + timedelta(minutes=5),
        device_id="T-CAM-1",
        scope="configure",
    )
    assert check.ok
    _, token = services.device_register(
        actor=_staff(), spec=services.DeviceSpec(serial="T-CAM-9", customer=world.metro)
    )
    event = {
        "device": "T-CAM-9",
        "grant_id": None,
        "actor": "tool",
        "scope": "configure",
        "started_at": "2026-01-01T10:00:00Z",
        "ended_at": "2026-01-01T10:05:00Z",
    }
    from django.test import Client

    reported = Client().post(
        "/api/v1/access-events",
        json.dumps(event),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert reported.status_code == 201, reported.content
    assert reported.json()["authorised"] is False and reported.json()["incident_case_id"]


def _staff():
    from conduct.apps.accounts.actors import CLI

    return CLI


def test_registering_a_device_through_the_api_answers_its_token_once(world):
    from conduct.apps.accounts.roles import Role
    from tests.factories.access import _UserFactory

    client = client_for(_UserFactory(role=Role.COMPLIANCE_OFFICER))
    body = {"serial": "T-API-1", "customer": "Metro Test Transit", "model": "M"}
    response = client.post("/api/v1/devices", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["token"].startswith("cdv_") and response.json()["customer"] == "Metro Test Transit"
    assert "token" not in client.get(f"/api/v1/devices/{response.json()['id']}").json()
