"""Own sites (CLI, scoping), the one audited party for their certificates and audits, incidents and the
injury rates per 1,000,000 hours worked."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import Forbidden, Invalid, NotFound
from conduct.apps.suppliers.models import Certificate
from conduct.apps.workforce import selectors, services
from conduct.events import suppliers as records
from tests.factories.suppliers import OfficerFactory


def test_the_sites_command_lists_objects_with_their_code(world):
    out = StringIO()
    call_command("workforce_sites", "--json", stdout=out)
    codes = [row["code"] for row in json.loads(out.getvalue())]
    assert {"t-plant", "t-office"} <= set(codes)


def test_a_liaison_sees_the_sites_of_her_units_only(world):
    assert list(selectors.site_list(actor=world.plant_liaison)) == [world.plant]
    with pytest.raises(NotFound):
        selectors.site_get(actor=world.plant_liaison, site_id=world.office.pk)


def test_an_own_site_holds_a_certificate_and_an_audit_with_a_finding_like_a_supplier(world):
    cert = records.own_site_certificate_create(
        actor=CLI, site=world.plant, standard="sa8000", number="SA-1", valid_until="2030-01-01"
    )
    assert (cert.standard, cert.supplier, cert.own_site) == ("SA8000", None, world.plant)
    audit = services.site_audit_record(
        actor=CLI,
        site=world.plant,
        audit={"kind": "social", "date": "2026-02-02", "auditor": "Audit firm"},
        findings=[
            {
                "severity": "major",
                "requirement": "urn:conduct:sa8000:SA8000-7.c",
                "description": "Overtime over 12 hours",
                "action": "Second shift",
                "owner": world.plant_liaison.username,
                "due_date": "2026-12-31",
            }
        ],
    )
    found = records.own_site_records(actor=world.plant_liaison, site_id=world.plant.pk)
    assert found.certificates == [cert] and found.audits == [audit]
    assert [a.finding.audit_id for a in found.actions] == [audit.pk]
    assert records.own_site_records(actor=world.office_liaison, site_id=world.plant.pk).audits == []


def test_an_invalid_finding_undoes_the_whole_audit(world):
    with pytest.raises(Invalid):
        services.site_audit_record(
            actor=CLI,
            site=world.plant,
            audit={"kind": "social", "date": "2026-02-02", "auditor": "Audit firm"},
            findings=[
                {
                    "severity": "major",
                    "requirement": "urn:conduct:sa8000:NOPE",
                    "description": "x",
                    "action": "y",
                    "owner": "z",
                    "due_date": "2026-12-31",
                }
            ],
        )
    assert records.own_site_records(actor=CLI, site_id=world.plant.pk).audits == []


def test_a_record_belongs_to_exactly_one_audited_party(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(standard="SA8000", number="X", valid_until="2030-01-01")


def test_the_rates_count_lost_time_injuries_and_recordables_per_million_hours(world):
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        services.hours_worked_record(actor=CLI, site=world.plant, month=month, hours=250000)
    for kind, severity, lost in (
        ("injury", "lost_time", 3),  # lost time, recordable
        ("injury", "medical", 0),  # recordable
        ("illness", "medical", 0),  # recordable, not a lost-time injury
        ("near_miss", "first_aid", 0),  # neither
        ("injury", "first_aid", 0),  # neither
    ):
        services.incident_record(
            actor=CLI,
            site=world.plant,
            kind=kind,
            severity=severity,
            date="2026-02-10",
            lost_days=lost,
            description="Test",
        )
    (rate,) = selectors.safety_rates(actor=CLI, site=world.plant)
    assert (rate.year, rate.hours, rate.lost_time_injuries, rate.recordable) == (2026, Decimal(1000000), 1, 3)
    assert (rate.ltifr, rate.trir) == (1.0, 3.0)


def test_a_year_without_hours_worked_has_no_rate_rather_than_a_division_by_zero(world):
    services.incident_record(
        actor=CLI, site=world.office, kind="injury", severity="medical", date="2026-02-10", description="Cut"
    )
    (rate,) = selectors.safety_rates(actor=CLI, site=world.office)
    assert (rate.recordable, rate.ltifr, rate.trir) == (1, None, None)


def test_only_the_liaison_of_the_site_records_its_incidents(world):
    with pytest.raises(Forbidden):
        services.incident_record(
            actor=world.office_liaison,
            site=world.plant,
            kind="injury",
            severity="medical",
            date="2026-02-10",
            description="x",
        )
    services.incident_record(
        actor=world.plant_liaison,
        site=world.plant,
        kind="injury",
        severity="medical",
        date="2026-02-10",
        description="x",
    )


def test_bad_incidents_and_hours_name_their_fields(world):
    with pytest.raises(Invalid) as caught:
        services.incident_record(
            actor=CLI,
            site=world.plant,
            kind="fire",
            severity="huge",
            date="tomorrow",
            lost_days=-1,
            description="",
        )
    assert set(caught.value.fields) == {"kind", "severity", "date", "lost_days", "description"}
    with pytest.raises(Invalid) as caught:
        services.hours_worked_record(actor=CLI, site=world.plant, month="2026-13", hours="-5")
    assert set(caught.value.fields) == {"month", "hours"}


def test_the_site_liaison_works_and_closes_its_corrective_action_like_a_suppliers(world, api_client):
    plan = records.own_site_finding_raise(
        actor=CLI,
        site=world.plant,
        auditor="Review",
        severity="minor",
        requirement="urn:conduct:sa8000:SA8000-3.c",
        description="First-aid kit missing",
        action="Restock",
        owner=world.plant_liaison.username,
        due_date="2099-01-01",
    )
    client = api_client(world.plant_liaison)
    url = f"/api/v1/workforce/corrective-actions/{plan.pk}"
    worked = client.patch(
        url, {"evidence": "Kits restocked", "status": "in_progress"}, content_type="application/json"
    )
    assert worked.status_code == 200 and worked.json()["status"] == "in_progress"
    refused = client.patch(url, {"status": "verified"}, content_type="application/json")
    assert refused.status_code == 403  # the site's liaison does not verify her own evidence
    officer = api_client(OfficerFactory(unit=world.plant.org_unit))
    done = officer.patch(url, {"status": "verified"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "verified"
    plan.finding.refresh_from_db()
    assert plan.finding.is_open is False
    other = api_client(world.office_liaison).patch(url, {"root_cause": "x"}, content_type="application/json")
    assert other.status_code == 404
