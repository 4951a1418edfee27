"""The public vulnerability-report intake: the API and the form answer with an unguessable reference; bad
input is refused by field (422) and stores nothing; the per-address and global limits answer 429; the status
lookup shows a report's own state and reporter-facing updates only."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.test import Client

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.notifications.models import Notification
from conduct.apps.products.models import VulnerabilityReport, VulnReportNote
from tests.factories.products import ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/vulnerability-reports"
REFERENCE = re.compile(r"^VR-\d{4}-[0-9A-HJKMNP-TV-Z]{12}$")


def body(**fields: Any) -> dict[str, Any]:
    return {
        "product": "NV-DOME-4K",
        "version": "5.2.1",
        "summary": "Auth bypass on /cgi-bin/snapshot",
        "details": "GET /cgi-bin/snapshot.cgi?user=x returns a frame without a session.",
        **fields,
    }


def post(payload: dict[str, Any], address: str = "198.51.100.7") -> Any:
    return Client().post(URL, payload, content_type="application/json", REMOTE_ADDR=address)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_report_gets_a_reference_its_deadlines_a_ledger_entry_and_tells_the_triage_team(cast):
    before = LedgerEntry.objects.count()
    attachment = {"name": "poc.py", "content": b64(b"print('poc')\n")}
    response = post(body(reporter_email="r@example.org", attachments=[attachment]))
    assert response.status_code == 201, response.content
    data = response.json()
    assert REFERENCE.match(data["reference"])
    assert data["state"] == "received"
    row = VulnerabilityReport.objects.get(reference=data["reference"])
    assert row.product is not None and row.product.model == "NV-DOME-4K"  # the model named exactly: linked
    assert row.release is not None and row.release.version == "5.2.1"
    assert (row.acknowledge_by - row.received_at).days == 5
    assert (row.resolve_by - row.received_at).days == 90
    assert row.attachments.get().name == "poc.py"
    assert row.client_key and "198.51.100.7" not in row.client_key  # a keyed hash, not the address
    entry = LedgerEntry.objects.filter(seq__gt=before, action="vulnreport.receive").get()
    assert entry.summary["reference"] == row.reference and entry.actor == "security-reporter"
    assert Notification.objects.filter(user=cast("prodsec"), text__contains=row.reference).exists()
    assert Notification.objects.filter(user=cast("officer"), text__contains=row.reference).exists()


def test_an_anonymous_report_needs_no_name_or_address():
    response = post(body())
    assert response.status_code == 201
    row = VulnerabilityReport.objects.get(reference=response.json()["reference"])
    assert (row.reporter_name, row.reporter_email) == ("", "")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reporter_email": "not-an-address"}, "reporter_email"),
        ({"product": " "}, "product"),
        ({"summary": ""}, "summary"),
        ({"details": "   "}, "details"),
        ({"attachments": [{"name": "x", "content": "***"}]}, "attachments[0]"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(fields, field):
    before = (VulnerabilityReport.objects.count(), LedgerEntry.objects.count())
    response = post(body(**fields))
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert (VulnerabilityReport.objects.count(), LedgerEntry.objects.count()) == before


def test_a_missing_field_is_named(cast):
    payload = body()
    del payload["details"]
    response = post(payload)
    assert response.status_code == 422
    assert "details" in str(response.json()["error"]["fields"])


def test_attachments_are_size_checked_against_the_setting_and_counted(settings):
    settings.VULN_REPORT_MAX_ATTACHMENT_BYTES = 1024
    settings.VULN_REPORT_MAX_ATTACHMENTS = 2
    big = {"name": "dump.bin", "content": b64(b"x" * 1025)}
    small = {"name": "a.txt", "content": b64(b"a")}
    response = post(body(attachments=[small, big]))
    assert response.status_code == 422
    assert "attachments[1]" in response.json()["error"]["fields"]
    response = post(body(attachments=[small, small, small]))
    assert response.status_code == 422
    assert "attachments" in response.json()["error"]["fields"]
    assert post(body(attachments=[small, {"name": "b", "content": b64(b"y" * 1024)}])).status_code == 201


def test_the_intake_is_limited_per_address_and_in_total(settings):
    from datetime import timedelta

    from django.utils import timezone

    hour_ago = timezone.now() - timedelta(hours=1)
    earlier = VulnerabilityReport.objects.filter(received_at__gte=hour_ago).count()  # the demo's
    settings.VULN_REPORT_ADDRESS_LIMIT_PER_HOUR = 2
    settings.VULN_REPORT_GLOBAL_LIMIT_PER_HOUR = earlier + 4
    assert [post(body(), "203.0.113.1").status_code for _ in range(3)] == [201, 201, 429]
    refused = post(body(), "203.0.113.1")
    assert refused.json()["error"]["code"] == "throttled"
    assert [post(body(), "203.0.113.2").status_code for _ in range(3)] == [201, 201, 429]
    assert VulnerabilityReport.objects.filter(client_key__gt="").count() >= 4
    assert post(body(), "203.0.113.3").status_code == 429  # the global limit across everyone


def test_the_status_lookup_shows_only_that_report_and_only_what_the_reporter_may_see(admin):
    from conduct.apps.products.services.disclosure_triage import vulnreport_note, vulnreport_transition

    mine = VulnerabilityReport.objects.get(reference=post(body(summary="Mine")).json()["reference"])
    other = VulnerabilityReport.objects.get(reference=post(body(summary="Other")).json()["reference"])
    vulnreport_transition(actor=admin, report=mine, to="acknowledged", note="Thanks, reproducing it.")
    vulnreport_note(actor=admin, report=mine, body="Internal: looks like CVE-2021-36260 again")
    vulnreport_note(actor=admin, report=other, body="Update for the other reporter", to_reporter=True)
    response = Client().post(
        f"{URL}/status", {"reference": mine.reference.lower()}, content_type="application/json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["reference"] == mine.reference and data["state"] == "acknowledged"
    assert [u["text"] for u in data["updates"]] == ["Thanks, reproducing it."]
    text = response.content.decode()
    for secret in ("Internal", "Other", "other reporter", "details", "Mine", "reporter_email"):
        assert secret not in text
    missing = Client().post(
        f"{URL}/status", {"reference": "VR-2026-AAAAAAAAAAAA"}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert VulnReportNote.objects.filter(report=mine).count() == 2


def test_the_public_form_answers_with_the_reference_and_re_renders_errors():
    client = Client()
    assert client.get("/security/report/").status_code == 200
    assert "VULN" not in client.get("/security/").content.decode()
    bad = client.post(
        "/security/report/", {"product": "X", "summary": "", "details": "d"}, REMOTE_ADDR="192.0.2.9"
    )
    assert bad.status_code == 422 and b"summary" in bad.content
    good = client.post(
        "/security/report/",
        {"product": "X", "summary": "S", "details": "D", "attachments": []},
        REMOTE_ADDR="192.0.2.9",
    )
    assert good.status_code == 200
    reference = VulnerabilityReport.objects.order_by("-pk").first().reference
    assert reference.encode() in good.content
    status = client.post("/security/report/status", {"reference": reference})
    assert status.status_code == 200 and b"Received" in status.content


def test_a_report_naming_a_model_that_is_not_registered_stays_unlinked():
    product = ProductFactory()
    ReleaseFactory(product=product, version="2.0")
    response = post(body(product=f"{product.model.lower()}", version="9.9"))
    row = VulnerabilityReport.objects.get(reference=response.json()["reference"])
    assert row.product == product and row.release is None
    response = post(body(product="Some camera I bought"))
    assert VulnerabilityReport.objects.get(reference=response.json()["reference"]).product is None
