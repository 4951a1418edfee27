"""The sites a certificate covers: offered from the supplier's own sites on the staff and portal forms,
refused naming the field when another supplier's site is posted (pages and API alike), and shown on the
supplier page."""

from __future__ import annotations

import json
import re

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import Certificate
from conduct.apps.suppliers.selectors import risk_explained

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_sites(acme):
    """Acme's demo plant and a second site of its own."""
    services.site_add(actor=SYSTEM, supplier=acme, name="Hanoi warehouse", country="VN", region="Hanoi")
    return list(acme.sites.order_by("name"))


@pytest.fixture
def boards_site(supplier):
    """A site of another supplier (Shenzhen Boards, also owned by procurement)."""
    return supplier("BRD-002").sites.get(name="Bao'an factory")


def offered(html: str, name: str) -> set[int]:
    """The site ids a form offers as checkboxes named `name`."""
    return {int(v) for v in re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"', html)}


def certificate_post(**fields):
    return {"cert-standard": "ISO 45001", "cert-number": "OHS-1", "cert-valid_until": "2030-01-01", **fields}


def test_the_certificate_form_offers_the_suppliers_own_sites_only(
    api_client, officer, supplier_acme, acme, acme_sites, boards_site
):
    page = api_client(officer).get(f"/suppliers/{acme.pk}/").content.decode()
    assert offered(page, "cert-sites") == {s.pk for s in acme_sites}
    assert "Sites covered" in page and "Bao&#x27;an factory" not in page

    portal = api_client(supplier_acme).get("/suppliers/portal/certificates/new").content.decode()
    assert offered(portal, "sites") == {s.pk for s in acme_sites}
    assert "Bao&#x27;an factory" not in portal


def test_a_certificate_recorded_with_sites_covers_them_and_the_page_shows_them(
    api_client, officer, acme, acme_sites
):
    client = api_client(officer)
    response = client.post(
        f"/suppliers/{acme.pk}/certificates", certificate_post(**{"cert-sites": [s.pk for s in acme_sites]})
    )
    assert response.status_code == 302, response.content[:500]
    certificate = Certificate.objects.get(supplier=acme, number="OHS-1")
    assert set(certificate.sites.all()) == set(acme_sites)
    entry = LedgerEntry.objects.get(action="certificate.create", object_id=str(certificate.pk))
    assert entry.actor == f"user:{officer.pk}:officer" and sorted(entry.summary["sites"]) == sorted(
        s.pk for s in acme_sites
    )

    page = client.get(f"/suppliers/{acme.pk}/").content.decode()
    row = re.search(r"<tr><td>ISO 45001</td><td class=\"mono\">OHS-1</td>.*?</tr>", page, re.S)
    assert row is not None and "Bac Ninh plant; Hanoi warehouse" in row.group(0)
    assert "covered by ISO 45001 OHS-1" in page  # and on the sites themselves


def test_the_portal_records_its_certificate_with_its_own_sites(api_client, supplier_acme, acme, acme_sites):
    plant = acme_sites[0]
    response = api_client(supplier_acme).post(
        "/suppliers/portal/certificates/new",
        {"standard": "SA8000", "number": "SA-NEW", "valid_until": "2030-01-01", "sites": [plant.pk]},
    )
    assert response.status_code == 302, response.content[:500]
    assert list(Certificate.objects.get(number="SA-NEW").sites.all()) == [plant]


def test_another_suppliers_site_posted_by_hand_is_refused_naming_the_field(
    api_client, officer, supplier_acme, bearer, acme, acme_sites, boards_site
):
    before = Certificate.objects.count()
    page = api_client(officer).post(
        f"/suppliers/{acme.pk}/certificates",
        certificate_post(**{"cert-sites": [acme_sites[0].pk, boards_site.pk]}),
    )
    assert page.status_code == 422
    html = page.content.decode()
    error = re.search(
        r'<ul class="errorlist" id="id_cert-sites_error"><li>(.*?)</li>', html
    )  # with the field
    assert error is not None, html
    assert (
        error.group(1)
        == f"Sites must be sites of Acme Electronics Assembly Ltd.; these are not: {boards_site.pk}."
    )

    portal = api_client(supplier_acme).post(
        "/suppliers/portal/certificates/new",
        {"standard": "SA8000", "number": "SA-NEW", "valid_until": "2030-01-01", "sites": [boards_site.pk]},
    )
    assert (
        portal.status_code == 422
        and 'id="id_sites_error"><li>Sites must be sites of' in portal.content.decode()
    )

    not_a_number = api_client(officer).post(
        f"/suppliers/{acme.pk}/certificates", certificate_post(**{"cert-sites": ["x"]})
    )
    assert not_a_number.status_code == 422

    api = api_client().post(
        f"/api/v1/suppliers/{acme.pk}/certificates",
        json.dumps(
            {
                "standard": "ISO 45001",
                "number": "OHS-1",
                "valid_until": "2030-01-01",
                "sites": [boards_site.pk],
            }
        ),
        content_type="application/json",
        **bearer(officer),
    )
    assert api.status_code == 422 and set(api.json()["error"]["fields"]) == {"sites"}
    too_big = api_client().post(
        f"/api/v1/suppliers/{acme.pk}/certificates",
        json.dumps(
            {"standard": "ISO 45001", "number": "OHS-1", "valid_until": "2030-01-01", "sites": [2**64]}
        ),
        content_type="application/json",
        **bearer(officer),
    )
    assert too_big.status_code == 422 and "sites" in too_big.json()["error"]["fields"]
    assert Certificate.objects.count() == before


def test_the_api_changes_the_sites_a_certificate_covers_by_the_same_rule(
    api_client, officer, bearer, acme, acme_sites, boards_site
):
    certificate = Certificate.objects.get(supplier=acme, number="SA-2291")
    url = f"/api/v1/certificates/{certificate.pk}"
    client, headers = api_client(), bearer(officer)
    refused = client.patch(
        url, json.dumps({"sites": [boards_site.pk]}), content_type="application/json", **headers
    )
    assert refused.status_code == 422 and "sites" in refused.json()["error"]["fields"]
    done = client.patch(
        url, json.dumps({"sites": [acme_sites[1].pk]}), content_type="application/json", **headers
    )
    assert done.status_code == 200 and done.json()["sites"] == [acme_sites[1].pk]


def test_certificate_credit_in_the_risk_score_does_not_depend_on_the_sites_covered(officer, acme, acme_sites):
    """Risk credits certificates per supplier (services/risk.py reads no covered sites): covering sites, or
    losing one, leaves the score and the certificates counted as they were."""
    before = risk_explained(actor=officer, supplier=acme)
    certificate = Certificate.objects.get(supplier=acme, number="SA-2291")
    services.certificate_update(actor=officer, certificate=certificate, site_ids=[s.pk for s in acme_sites])
    covered = risk_explained(actor=officer, supplier=acme)
    services.site_remove(actor=officer, site=acme_sites[1])
    after = risk_explained(actor=officer, supplier=acme)
    assert before["score"] == covered["score"] == after["score"]
    assert before["facts"]["certificates"] == after["facts"]["certificates"]
    assert list(certificate.sites.all()) == [acme_sites[0]]
