"""The supplier list: filters, sorting and pagination; overdue actions per supplier, org unit and
dashboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return [s["external_id"] for s in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=CN", {"BRD-002", "XJC-003", "CHM-010"}),
        ("category=pcb", {"ACME-001", "BRD-002"}),
        ("tier=3", {"XJC-003", "CHM-010"}),
        ("status=prospect", {"XJC-003", "PKG-007", "CHM-010"}),
        ("certificate_status=expired", {"MTL-005"}),
        ("certificate_status=expiring", {"ACME-001", "BRD-002", "SEM-006"}),
        ("overdue_actions=true", {"ACME-001", "MTL-005"}),
        ("risk_band=critical", {"ACME-001"}),
        ("org_unit=br-de", {"SWR-009"}),
        ("q=Penang", {"MTL-005"}),
    ],
)
def test_the_api_filters_suppliers(api_client, officer, bearer, query, expected):
    assert set(ids(api_client().get(f"/api/v1/suppliers?{query}&limit=500", **bearer(officer)))) == expected


def test_suppliers_with_no_current_certificate(api_client, officer, bearer):
    found = set(
        ids(api_client().get("/api/v1/suppliers?certificate_status=none&limit=500", **bearer(officer)))
    )
    assert {"MTL-005", "XJC-003", "PKG-007"} <= found and "ACME-001" not in found


def test_sorting_and_paginating(api_client, officer, bearer):
    client, headers = api_client(), bearer(officer)
    by_risk = client.get("/api/v1/suppliers?sort=-risk&limit=3", **headers).json()
    scores = [s["risk_score"] for s in by_risk["items"]]
    assert scores == sorted(scores, reverse=True) and by_risk["count"] == 10
    second = ids(client.get("/api/v1/suppliers?sort=name&limit=3&offset=3", **headers))
    every = ids(client.get("/api/v1/suppliers?sort=name&limit=100", **headers))
    assert second == every[3:6]


def test_the_list_page_filters_sorts_and_answers_htmx_with_the_rows(api_client, officer):
    client = api_client(officer)
    page = client.get("/suppliers/?country=CN&sort=-risk")
    html = page.content.decode()
    assert page.status_code == 200 and "Shenzhen Boards" in html and "Acme" not in html
    assert "export=csv" in html and "country=CN" in html
    rows = client.get("/suppliers/?country=CN", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "Shenzhen Boards" in rows


def test_overdue_actions_show_per_supplier_per_unit_and_on_the_dashboard(api_client, officer, acme):
    client = api_client(officer)
    assert "overdue" in client.get(f"/suppliers/{acme.pk}/").content.decode()
    actions = client.get("/suppliers/actions/?overdue=1").content.decode()
    assert "Procurement: 2" in actions.replace("</a>", "")
    dashboard = client.get("/dashboard/").content.decode()
    assert 'data-testid="overdue-actions">2<' in dashboard


def test_a_liaison_sees_only_their_units_suppliers(api_client, liaison_uk, bearer):
    assert ids(api_client().get("/api/v1/suppliers", **bearer(liaison_uk))) == ["LOG-008"]
    html = api_client(liaison_uk).get("/suppliers/").content.decode()
    assert "Thames Logistics" in html and "Acme" not in html


def test_long_lists_count_up_to_a_cap_and_still_page_on(officer):
    from conduct.apps.suppliers import selectors
    from conduct.apps.suppliers.paging import CappedPage

    suppliers = selectors.supplier_list(actor=officer)
    first = CappedPage(suppliers, 1, per_page=4, cap=6)
    assert first.capped and first.count == 6 and first.num_pages is None and first.has_next
    last = CappedPage(suppliers, 3, per_page=4, cap=6)
    assert len(last) == 2 and not last.has_next and last.has_previous
    exact = CappedPage(suppliers, "nonsense", per_page=4, cap=100)
    assert exact.number == 1 and exact.count == 10 and exact.num_pages == 3


def test_the_daily_jobs_are_scheduled_by_the_worker():
    from django.utils.module_loading import import_string

    from conduct.apps.web.management.commands.worker import DAILY_JOBS

    for path in (
        "conduct.apps.suppliers.tasks.daily_risk_recompute",
        "conduct.apps.suppliers.tasks.daily_certificate_reminders",
    ):
        assert path in DAILY_JOBS
        assert hasattr(import_string(path), "enqueue")
