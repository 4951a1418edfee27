"""Sites, contacts and sub-supplier relations are edited and removed on the supplier page through the same
services as the API: ledgered, offered only to those who may change the supplier, and refused (403) to
everyone else."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import Certificate, SupplierContact, SupplierRelation, SupplierSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(acme):
    return acme.sites.get(name="Bac Ninh plant")


@pytest.fixture
def lan(acme):
    return acme.contacts.get(name="Nguyen Thi Lan")


@pytest.fixture
def boards(supplier):
    return supplier("BRD-002")


def ledgered(action: str, object_id: int, actor) -> LedgerEntry:
    return LedgerEntry.objects.get(
        action=action, object_id=str(object_id), actor=f"user:{actor.pk}:{actor.username}"
    )


def test_removing_a_site_keeps_the_certificates_that_covered_it_and_says_so(api_client, officer, acme, plant):
    certificate = Certificate.objects.get(supplier=acme, number="SA-2291")
    services.certificate_update(actor=officer, certificate=certificate, site_ids=[plant.pk])
    client = api_client(officer)
    page = client.get(f"/suppliers/{acme.pk}/").content.decode()
    assert f'action="/suppliers/sites/{plant.pk}/remove"' in page
    assert "The certificates covering it stay, but no longer list it: SA8000 SA-2291" in page

    response = client.post(f"/suppliers/sites/{plant.pk}/remove", follow=True)
    assert response.redirect_chain == [(f"/suppliers/{acme.pk}/", 302)]
    assert (
        "Removed the site Bac Ninh plant. Certificates that covered it no longer list it: SA8000 SA-2291."
        in (response.content.decode())
    )
    assert not SupplierSite.objects.filter(pk=plant.pk).exists()
    assert Certificate.objects.filter(pk=certificate.pk).exists() and not certificate.sites.exists()
    entry = ledgered("supplier.site_remove", plant.pk, officer)
    assert entry.summary == {"supplier": acme.pk, "name": "Bac Ninh plant", "certificates": [certificate.pk]}


def test_removing_a_contact_from_the_page_is_ledgered(api_client, officer, acme, lan):
    client = api_client(officer)
    assert (
        f'action="/suppliers/contacts/{lan.pk}/remove"'
        in client.get(f"/suppliers/{acme.pk}/").content.decode()
    )
    response = client.post(f"/suppliers/contacts/{lan.pk}/remove")
    assert response.status_code == 302 and response["Location"] == f"/suppliers/{acme.pk}/"
    assert not SupplierContact.objects.filter(pk=lan.pk).exists()
    assert ledgered("supplier.contact_remove", lan.pk, officer).summary == {
        "supplier": acme.pk,
        "name": "Nguyen Thi Lan",
    }


def test_removing_a_sub_supplier_from_the_page_is_ledgered_and_retiers_it(api_client, officer, acme, boards):
    relation = SupplierRelation.objects.get(buyer=acme, supplier=boards)
    client = api_client(officer)
    url = f"/suppliers/{acme.pk}/sub-suppliers/{boards.pk}/remove"
    page = client.get(f"/suppliers/{acme.pk}/").content.decode()
    assert f'action="{url}"' in page
    # only direct sub-suppliers are offered: Tianshan (bought by Shenzhen Boards, not by Acme) is not
    tianshan = boards.sub_relations.get().supplier
    assert f"/sub-suppliers/{tianshan.pk}/remove" not in page

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"/suppliers/{acme.pk}/", 302)]
    assert f"{acme.name} no longer buys from {boards.name}." in response.content.decode()
    assert not SupplierRelation.objects.filter(pk=relation.pk).exists()
    assert ledgered("supplier.relation_remove", relation.pk, officer).summary == {
        "buyer": acme.pk,
        "supplier": boards.pk,
    }
    boards.refresh_from_db()
    assert boards.tier == 1  # nobody in the graph buys from it any more

    again = client.post(url)
    assert again.status_code == 404


def test_a_site_is_edited_on_its_own_page(api_client, officer, acme, plant):
    client = api_client(officer)
    page = client.get(f"/suppliers/{acme.pk}/").content.decode()
    assert f'href="/suppliers/sites/{plant.pk}/edit"' in page
    form = client.get(f"/suppliers/sites/{plant.pk}/edit")
    assert form.status_code == 200 and 'value="Bac Ninh plant"' in form.content.decode()

    bad = client.post(f"/suppliers/sites/{plant.pk}/edit", {"name": "Bac Ninh plant", "country": "XX"})
    assert bad.status_code == 422
    assert re.search(r'id="id_country_error"><li>&#x27;XX&#x27; is not an ISO 3166-1', bad.content.decode())

    saved = client.post(
        f"/suppliers/sites/{plant.pk}/edit",
        {"name": "Bac Ninh plant 1", "country": "VN", "region": "Bac Ninh", "headcount": "1350"},
    )
    assert saved.status_code == 302 and saved["Location"] == f"/suppliers/{acme.pk}/"
    plant.refresh_from_db()
    assert (plant.name, plant.headcount) == ("Bac Ninh plant 1", 1350)
    assert ledgered("supplier.site_update", plant.pk, officer).summary["headcount"] == [1200, 1350]


@pytest.mark.parametrize("username", ["auditor", "ethics_chair", "analyst"])
def test_a_user_who_may_not_change_the_supplier_sees_no_buttons_and_gets_403(
    api_client, cast, username, acme, plant, lan, boards
):
    user = cast(username)
    client = api_client(user)
    if username != "analyst":  # the analyst is not scoped to procurement: it does not see Acme at all
        page = client.get(f"/suppliers/{acme.pk}/").content.decode()
        assert "/remove" not in page and "/suppliers/sites/" not in page and "Sites covered" in page
    ledger_before = LedgerEntry.objects.count()
    for url in (
        f"/suppliers/sites/{plant.pk}/remove",
        f"/suppliers/contacts/{lan.pk}/remove",
        f"/suppliers/{acme.pk}/sub-suppliers/{boards.pk}/remove",
        f"/suppliers/sites/{plant.pk}/edit",
    ):
        assert client.post(url).status_code == 403, url
    assert client.get(f"/suppliers/sites/{plant.pk}/edit").status_code == 403
    assert LedgerEntry.objects.count() == ledger_before
    assert (
        SupplierSite.objects.filter(pk=plant.pk).exists()
        and SupplierContact.objects.filter(pk=lan.pk).exists()
    )
    assert SupplierRelation.objects.filter(buyer=acme, supplier=boards).exists()


def test_a_liaison_of_another_unit_gets_404_and_the_supplier_gets_403(
    api_client, liaison_uk, supplier_acme, plant, lan
):
    assert api_client(liaison_uk).post(f"/suppliers/sites/{plant.pk}/remove").status_code == 404
    assert api_client(liaison_uk).post(f"/suppliers/contacts/{lan.pk}/remove").status_code == 404
    assert api_client(supplier_acme).post(f"/suppliers/sites/{plant.pk}/remove").status_code == 403
    assert (
        SupplierSite.objects.filter(pk=plant.pk).exists()
        and SupplierContact.objects.filter(pk=lan.pk).exists()
    )


def test_the_remove_forms_carry_the_csrf_token_and_a_post_without_it_is_refused(officer, acme, lan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    page = client.get(f"/suppliers/{acme.pk}/").content.decode()
    form = re.search(
        rf'<form method="post" action="/suppliers/contacts/{lan.pk}/remove">(.*?)</form>', page, re.S
    )
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    assert client.post(f"/suppliers/contacts/{lan.pk}/remove").status_code == 403
    assert SupplierContact.objects.filter(pk=lan.pk).exists()
    assert (
        client.post(f"/suppliers/contacts/{lan.pk}/remove", {"csrfmiddlewaretoken": token}).status_code == 302
    )
    assert not SupplierContact.objects.filter(pk=lan.pk).exists()
