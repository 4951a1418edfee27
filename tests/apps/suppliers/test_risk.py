"""Supplier risk: every score is the sum of its drivers, designated-region risk flows up the tiers discounted
by distance, a change rescores the supplier and its buyers at once, and the full recompute agrees."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils.html import escape

from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import Supplier, SupplierRisk

pytestmark = pytest.mark.django_db


def drivers(supplier):
    return {
        d["name"]: d
        for d in SupplierRisk.objects.get(supplier=supplier).driver_list
        if d["name"] != "upstream"
    }


def upstream(supplier):
    return {
        d["value"]: d
        for d in SupplierRisk.objects.get(supplier=supplier).driver_list
        if d["name"] == "upstream"
    }


def test_every_score_is_the_sum_of_its_drivers():
    for risk in SupplierRisk.objects.all():
        assert risk.score == sum(d["points"] for d in risk.driver_list), risk.supplier_id
        assert 0 <= risk.score <= 100
        assert risk.supplier.risk_score == risk.score and risk.supplier.risk_band == risk.band


def test_a_site_in_a_designated_region_raises_the_buyers_risk_discounted_by_distance(supplier):
    mill, boards, acme = supplier("XJC-003"), supplier("BRD-002"), supplier("ACME-001")
    own = drivers(mill)
    assert own["designated_region"]["value"].startswith("Xinjiang Uyghur Autonomous Region")
    assert SupplierRisk.objects.get(supplier=mill).score >= 50  # the designated-region floor: at least high

    passed_on = SupplierRisk.objects.get(supplier=mill).propagating_points
    one_down, two_down = upstream(boards)[mill.pk], upstream(acme)[mill.pk]
    assert "distance 1" in one_down["detail"] and "designated region" in one_down["detail"]
    assert "distance 2" in two_down["detail"]
    assert one_down["points"] == int(passed_on * 0.5 + 0.5)
    assert two_down["points"] == int(passed_on * 0.25 + 0.5)


def test_adding_a_certificate_rescores_the_supplier_and_every_buyer_above_it(supplier, officer):
    boards, acme = supplier("BRD-002"), supplier("ACME-001")
    score, flow = SupplierRisk.objects.get(supplier=boards).score, upstream(acme)[boards.pk]["points"]
    services.certificate_create(
        actor=officer,
        supplier=boards,
        standard="SA8000",
        number="SA-NEW",
        issuer="SGS",
        valid_until="2030-01-01",
    )
    assert drivers(boards)["certificate:SA8000"]["points"] == -6
    assert SupplierRisk.objects.get(supplier=boards).score == score - 6
    # a certificate is paperwork, not a fact about where goods are made: nothing more flows up to Acme
    assert upstream(acme)[boards.pk]["points"] == flow
    mill = supplier("XJC-003")
    before = upstream(acme)[mill.pk]["points"]
    audit = services.audit_create(
        actor=officer, supplier=mill, kind="social", date="2026-01-05", auditor="SGS"
    )
    services.finding_add(
        actor=officer,
        audit=audit,
        severity="critical",
        requirement="urn:conduct:sa8000:SA8000-2.a",
        description="Workers cannot leave the dormitory compound.",
    )
    assert (
        upstream(acme)[mill.pk]["points"] > before
    )  # a critical finding two tiers down reaches Acme at once


def test_moving_the_mill_out_of_the_designated_region_lowers_its_buyers_risk(supplier, officer):
    mill, acme = supplier("XJC-003"), supplier("ACME-001")
    for site in mill.sites.all():
        services.site_update(actor=officer, site=site, region="Gansu")
    services.supplier_update(actor=officer, supplier=mill, region="Gansu")
    assert "designated_region" not in drivers(mill)
    assert "designated region" not in upstream(acme)[mill.pk]["detail"]


def test_an_open_critical_finding_counts_until_its_action_is_verified(supplier, officer):
    from datetime import date

    pls = supplier("PLS-004")
    audit = services.audit_create(
        actor=officer, supplier=pls, kind="social", date=date(2026, 1, 10), auditor="SGS"
    )
    finding = services.finding_add(
        actor=officer,
        audit=audit,
        severity="critical",
        requirement="urn:conduct:sa8000:SA8000-2.b",
        description="Passports held by the agent.",
    )
    assert drivers(pls)["findings_critical"]["points"] == 15
    plan = services.action_create(
        actor=officer, finding=finding, action="Return passports", owner="HR", due_date="2026-12-31"
    )
    services.action_update(
        actor=officer, plan=plan, evidence="Signed receipts from every worker.", status="verified"
    )
    assert "findings_critical" not in drivers(pls)


def test_the_full_recompute_agrees_with_the_incremental_scores_and_is_ledgered(officer):
    before = {r.supplier_id: (r.score, r.drivers) for r in SupplierRisk.objects.all()}
    summary = services.risk_recompute_all(actor=officer)
    assert summary.suppliers == Supplier.objects.count()
    assert {r.supplier_id: (r.score, r.drivers) for r in SupplierRisk.objects.all()} == before

    out = io.StringIO()
    call_command("suppliers_risk", stdout=out)
    assert f"Recomputed {Supplier.objects.count()} suppliers" in out.getvalue()


def test_the_risk_api_shows_the_drivers_and_names_the_sub_supplier(
    api_client, officer, liaison_uk, supplier, bearer
):
    acme, mill = supplier("ACME-001"), supplier("XJC-003")
    body = api_client().get(f"/api/v1/suppliers/{acme.pk}/risk", **bearer(officer)).json()
    assert body["score"] == sum(d["points"] for d in body["drivers"])
    flows = [d for d in body["drivers"] if d["name"] == "upstream" and d["source"]["id"] == mill.pk]
    assert flows and flows[0]["source"]["name"] == mill.name
    page = api_client(officer).get(f"/suppliers/{acme.pk}/").content.decode()
    assert "upstream" in page and escape(mill.name) in page and "Country risk for VN" in page
    assert api_client().get(f"/api/v1/suppliers/{acme.pk}/risk", **bearer(liaison_uk)).status_code == 404


def test_a_certificate_expiring_on_the_last_day_of_the_window_counts_half_read_either_way(supplier, officer):
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.suppliers.conf import expiry_window_days
    from conduct.apps.suppliers.services.risk import gather

    boards, today = supplier("BRD-002"), timezone.localdate()
    last = today + timedelta(days=expiry_window_days())
    services.certificate_create(
        actor=officer,
        supplier=boards,
        standard="ISO 45001",
        number="LAST-DAY",
        issuer="SGS",
        valid_until=last.isoformat(),
    )
    services.certificate_create(
        actor=officer,
        supplier=boards,
        standard="ISO 14001",
        number="DAY-AFTER",
        issuer="SGS",
        valid_until=(last + timedelta(days=1)).isoformat(),
    )
    # A few ids are read through the ORM (dates), everyone straight from the driver (ISO text on SQLite).
    for ids in ({boards.pk}, None):
        inputs, facts = gather(ids, today, with_facts=True)
        assert "ISO 45001" in inputs[boards.pk].expiring_certificates, ids
        assert (
            "ISO 14001" in inputs[boards.pk].valid_certificates - inputs[boards.pk].expiring_certificates
        ), ids
        assert facts[boards.pk]["certificates"]["ISO 45001"] == last.isoformat()
    stored = drivers(boards)
    assert stored["certificate:ISO 45001"]["points"] == -2 and stored["certificate:ISO 14001"]["points"] == -3


def test_stored_drivers_are_exactly_what_the_json_encoder_writes():
    import json
    from enum import IntEnum

    from conduct.apps.suppliers.services.risk import _DriversText, _jsonable, drivers_json
    from conduct.core.risk import RiskDriver
    from conduct.core.risk import SupplierRisk as Risk

    class Level(IntEnum):
        HIGH = 3

    shared = RiskDriver(name="country", value=85.5, points=26, detail="CN risk 85.5/100 x 0.3")
    odd = [
        RiskDriver(
            name="designated_region", value='Xinjiang \u7586 "XUAR"\n', points=25, detail="site: \u00fcber"
        ),
        RiskDriver(
            name="upstream", value=123, points=13, detail="sub-supplier 123 at distance 1 (via 123): x"
        ),
        RiskDriver(name="questionnaire", value=None, points=8, detail="none"),
        RiskDriver(name="labour_intensive", value=("pcb", "metals"), points=8, detail="t"),
        RiskDriver(name="odd", value=frozenset({"b", "a"}), points=-0, detail="s"),
        RiskDriver(name="flag", value=True, points=Level.HIGH, detail="bool and an int enum"),
        RiskDriver(name="negative_zero", value=-0.0, points=0, detail="-0.0"),
    ]
    encode = json.JSONEncoder(default=_jsonable, check_circular=False).encode
    text_of = _DriversText()
    for drivers in ((), (shared,), (shared, *odd), (*odd, shared), (shared, shared)):
        risk = Risk(score=0, band="low", drivers=drivers)
        assert (
            text_of(risk) == encode(drivers_json(risk)) == json.dumps(drivers_json(risk), default=_jsonable)
        )
