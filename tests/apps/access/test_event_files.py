"""Bad access-event files and reports: every row error named, nothing recorded (all or nothing), a one-line
CLI error with a non-zero exit; device tokens report only their own device's sessions; bad tokens get 401.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from conduct.apps.access import services
from conduct.apps.access.models import AccessEvent, Device
from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import Invalid

GOOD = {
    "device": "T-CAM-1",
    "grant_id": None,
    "actor": "a",
    "scope": "read_logs",
    "started_at": "2026-01-01T10:00:00Z",
    "ended_at": "2026-01-01T10:05:00Z",
}


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (GOOD | {"device": "NOPE"}, "line 2.device"),
        (GOOD | {"scope": "root_shell"}, "line 2.scope"),
        (GOOD | {"started_at": "yesterday"}, "line 2.started_at"),
        (GOOD | {"started_at": "2026-01-01T10:00:00"}, "line 2.started_at"),  # no offset
        (GOOD | {"ended_at": "2026-01-01T09:00:00Z"}, "line 2.ended_at"),
        (GOOD | {"actor": ""}, "line 2.actor"),
        (GOOD | {"extra": 1}, "line 2.extra"),
        ([1, 2], "line 2"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_line_and_field(world, row, field):
    with pytest.raises(Invalid) as caught:
        services.access_events_record(actor=CLI, rows=[GOOD, row])
    assert field in caught.value.fields
    assert not AccessEvent.objects.filter(device__serial__startswith="T-").exists() and world.incidents == []


def test_the_cli_import_prints_counts_and_json(world, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(GOOD | {"device": "T-CAM-2"}) + "\n")
    out = StringIO()
    call_command("access_events_import", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["authorised"], result["unauthorised"], len(result["incidents"])) == (0, 2, 2)


@pytest.mark.parametrize(
    "content",
    ["not json\n", json.dumps(GOOD | {"scope": "x"}) + "\n", "", json.dumps(GOOD) + "\n[1,\n"],
)
def test_a_bad_file_is_a_one_line_cli_error_and_records_nothing(world, tmp_path, content):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError) as caught:
        call_command("access_events_import", str(path), stdout=StringIO())
    assert "\n" not in str(caught.value) and "none was recorded" in str(caught.value)
    assert not AccessEvent.objects.filter(device__serial__startswith="T-").exists()


def test_a_missing_file_is_a_cli_error(world, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("access_events_import", str(tmp_path / "missing.jsonl"))


def test_a_device_reports_with_its_own_token_only_for_itself(world):
    _, token = services.device_register(
        actor=CLI, spec=services.DeviceSpec(serial="T-TOK-1", customer=world.metro)
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    other = Client().post(
        "/api/v1/access-events", json.dumps(GOOD), content_type="application/json", **headers
    )
    assert other.status_code == 422 and "device" in other.json()["error"]["fields"]
    own = Client().post(
        "/api/v1/access-events",
        json.dumps(GOOD | {"device": "T-TOK-1"}),
        content_type="application/json",
        **headers,
    )
    assert own.status_code == 201 and own.json()["source"] == "device"
    assert Device.objects.get(serial="T-TOK-1").token_hash != token  # only a hash is kept


@pytest.mark.parametrize("token", ["cdv_deadbeef_nope", "cdv_", "nonsense"])
def test_a_bad_device_token_gets_401(world, token):
    response = Client().post(
        "/api/v1/access-events",
        json.dumps(GOOD),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert (
        response.status_code == 401
        and not AccessEvent.objects.filter(device__serial__startswith="T-").exists()
    )


def test_a_new_device_token_replaces_the_old(world):
    device, old = services.device_register(
        actor=CLI, spec=services.DeviceSpec(serial="T-TOK-2", customer=world.metro)
    )
    new = services.device_token_issue(actor=CLI, device=device)
    assert services.device_authenticate(old) is None and services.device_authenticate(new) == device


def test_an_unauthorised_access_without_an_incident_handler_fails_clearly(world):
    from conduct.events import _bus
    from conduct.events.incidents import AccessIncidentRaised

    saved = _bus._handlers.get(AccessIncidentRaised, [])
    _bus._handlers[AccessIncidentRaised] = []
    try:
        with pytest.raises(services.NoIncidentHandler):
            services.access_events_record(actor=CLI, rows=[GOOD])
    finally:
        _bus._handlers[AccessIncidentRaised] = saved
