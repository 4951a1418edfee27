from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_reports_the_database_without_authentication(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_dashboard_shows_real_counts(api_client, officer):
    from conduct.apps.accounts.models import OrgUnit

    response = api_client(officer).get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="count-units">{OrgUnit.objects.count()}<' in html
    assert "Brazil Branch" in html  # a unit without a liaison is listed
