"""Device import (all or nothing), the customer's Access Transparency page and its formula-safe CSV, and the
report's figures."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from conduct.apps import csvsafe
from conduct.apps.access import selectors, services
from conduct.apps.access.models import AccessRequest, Device
from conduct.apps.accounts.actors import CLI, SCHEDULER
from conduct.apps.errors import Invalid
from tests.apps.access.conftest import client_for

HEADER = "serial,model,firmware,customer,site,installer\n"


def test_a_device_file_imports_every_row(world):
    devices = services.devices_import(
        actor=CLI, text=HEADER + "T-IMP-1,M,1.0,Metro Test Transit,Depot,Integrator\n"
    )
    assert [d.serial for d in devices] == ["T-IMP-1"] and devices[0].customer == world.metro


def test_a_device_file_with_row_errors_imports_nothing(world):
    text = HEADER + "T-IMP-2,M,1,Metro Test Transit,,\nT-CAM-1,M,1,Metro Test Transit,,\n,M,1,Nobody Ltd,,\n"
    with pytest.raises(Invalid) as caught:
        services.devices_import(actor=CLI, text=text)
    assert set(caught.value.fields) == {"line 3.serial", "line 4.customer"}
    assert not Device.objects.filter(serial="T-IMP-2").exists()


def test_a_device_file_with_the_wrong_columns_is_refused(world):
    with pytest.raises(Invalid) as caught:
        services.devices_import(actor=CLI, text="serial,customer\nX,Metro Test Transit\n")
    assert "header" in caught.value.fields


def test_the_cli_device_import_is_a_one_line_error_on_bad_rows(world, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "devices.csv"
    path.write_text(HEADER + "T-CAM-1,M,1,Metro Test Transit,,\n")
    with pytest.raises(CommandError) as caught:
        call_command("devices_import", str(path))
    assert "\n" not in str(caught.value) and "line 2.serial" in str(caught.value)


def test_the_portal_shows_each_device_record_and_exports_safe_csv(world):
    request = services.access_request_create(
        actor=world.engineer, serials=["T-CAM-1"], scopes=["read_logs"], reason='=HYPERLINK("x")'
    )
    [grant] = services.access_request_approve(actor=world.approver, request=request)
    services.grant_revoke(actor=world.approver, grant=grant, comment="+done")
    client = client_for(world.customer_user)
    page = client.get("/access/portal/").content.decode()
    assert "T-CAM-1" in page and grant.grant_id in page and "T-HARB-1" not in page
    assert client.get("/access/").status_code == 302  # portal users land on their record
    export = client.get("/access/portal/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["device", "kind", "id", "at", "who", "what", "state"]
    kinds = {r[1] for r in rows[1:]}
    assert kinds == {"request", "grant", "revocation"} and all(r[0] != "T-HARB-1" for r in rows)
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert any(cell.startswith("'+done") for r in rows for cell in r)


@pytest.mark.parametrize(
    ("value", "expected"), [("=1+1", "'=1+1"), ("-2", "'-2"), ("@x", "'@x"), ("ok", "ok"), (None, "")]
)
def test_safe_cell(value, expected):
    """The access export writes through the shared formula-safe writer (conduct.apps.csvsafe)."""
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow([value])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [expected]


def test_the_figures_for_the_report(world):
    year = timezone.now().year
    answered = services.access_request_create(
        actor=world.engineer, serials=["T-CAM-1"], scopes=["read_logs"], reason="r"
    )
    services.access_request_approve(actor=world.approver, request=answered)
    denied = services.access_request_create(
        actor=world.engineer, serials=["T-CAM-2"], scopes=["read_logs"], reason="r"
    )
    services.access_request_deny(actor=world.approver, request=denied)
    late = services.access_request_create(
        actor=world.engineer, serials=["T-CAM-2"], scopes=["read_logs"], reason="r"
    )
    AccessRequest.objects.filter(pk=late.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    services.access_requests_expire(actor=SCHEDULER)
    before = selectors.access_figures(year)
    services.access_events_record(
        actor=CLI,
        rows=[
            {
                "device": "T-HARB-1",
                "grant_id": None,
                "actor": "a",
                "scope": "configure",
                "started_at": timezone.now().isoformat(),
                "ended_at": timezone.now().isoformat(),
            }
        ],
    )
    figures = selectors.access_figures(year)
    assert figures["requests"] - before["requests"] == 0
    assert figures["accesses_without_grant"] == before["accesses_without_grant"] + 1
    assert figures["approvals"] >= 1 and figures["denials"] >= 1 and figures["expiries"] >= 1
    assert figures["median_hours_to_answer"] is not None


def test_staff_import_devices_from_the_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.access import _UserFactory

    client = client_for(_UserFactory(role="compliance_officer"))
    good = SimpleUploadedFile("d.csv", (HEADER + "T-PAGE-1,M,1,Metro Test Transit,,\n").encode())
    assert client.post("/access/devices/import", {"file": good}).status_code == 302
    assert Device.objects.filter(serial="T-PAGE-1").exists()
    bad = SimpleUploadedFile("d.csv", (HEADER + "T-PAGE-2,M,1,Nobody,,\n").encode())
    page = client.post("/access/devices/import", {"file": bad}, follow=True).content.decode()
    assert "line 2.customer" in page and not Device.objects.filter(serial="T-PAGE-2").exists()
    assert client_for(world.engineer).post("/access/devices/import", {"file": good}).status_code == 403
