"""SAML 2.0 sign-in against a real identity provider (pysaml2's IdP on a thread: tests/apps/accounts/
saml_idp): Conduct's authentication request, the IdP's signed answer posted back, the groups mapped to a
role; answers that are replayed, tampered with or unsolicited sign nobody in."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.test import Client

from conduct.apps.accounts import sso_saml
from conduct.apps.accounts.models import SsoLink, SsoPendingRequest, User
from conduct.apps.audit.models import LedgerEntry
from tests.apps.accounts.saml_idp import IdentityProvider, posted_response, running_idp
from tests.factories.accounts import OrgUnitFactory


@pytest.fixture
def idp(settings: Any, tmp_path: Path, db: None) -> Iterator[IdentityProvider]:
    OrgUnitFactory(code="saml-br")
    mapping = tmp_path / "sso-groups.yaml"
    mapping.write_text(
        "groups:\n  ethics-committee: {role: committee_member, units: [saml-br]}\n", encoding="utf-8"
    )
    settings.SSO_GROUP_MAPPING_FILE = str(mapping)
    settings.SITE_URL = "http://testserver"
    settings.SSO_SAML_IDP_METADATA_FILE = str(tmp_path / "idp-metadata.xml")
    with running_idp(tmp_path, lambda base_url: sso_saml.metadata_xml()) as provider:
        provider.users["hana"] = {
            "email": ["hana@example.org"],
            "givenName": ["Hana"],
            "sn": ["Sato"],
            "groups": ["staff", "ethics-committee"],
        }
        provider.users["ivan"] = {"email": ["ivan@example.org"], "groups": ["sales"]}
        yield provider


def _answer(client: Client, user: str, next_url: str = "/gates/") -> str:
    """Conduct's request to the IdP, and the signed answer the IdP gives the browser to post back."""
    start = client.get(f"/sso/saml/login/?next={next_url}")
    assert start.status_code == 302, start.content[:300]
    page = requests.get(f"{start['Location']}&user={user}", timeout=10)
    assert page.status_code == 200, page.text[:300]
    return posted_response(page.text)


def test_the_metadata_names_the_assertion_consumer_service(idp: IdentityProvider) -> None:
    response = Client().get("/sso/saml/metadata/")
    assert response.status_code == 200
    assert b'Location="http://testserver/sso/saml/acs/"' in response.content


def test_the_identity_providers_answer_signs_the_user_in_with_the_mapped_role(idp: IdentityProvider) -> None:
    client = Client()
    response = client.post("/sso/saml/acs/", {"SAMLResponse": _answer(client, "hana")})
    assert response.status_code == 302 and response["Location"] == "/gates/", response.content[:500]
    user = User.objects.get(username="persistent-hana")  # the NameID, as no user-name attribute is set
    assert (user.role, user.email, user.first_name, user.last_name) == (
        "committee_member",
        "hana@example.org",
        "Hana",
        "Sato",
    )
    assert list(user.scope_units.values_list("code", flat=True)) == ["saml-br"]
    link = SsoLink.objects.get(user=user)
    assert (link.protocol, link.issuer) == ("saml", idp.entity_id)
    assert client.get("/gates/").status_code == 200
    assert LedgerEntry.objects.filter(action="sso.user_create", actor="sso").count() == 1


def test_the_user_name_attribute_can_be_chosen(idp: IdentityProvider, settings: Any) -> None:
    settings.SSO_SAML_USERNAME_ATTRIBUTE = "email"
    client = Client()
    assert client.post("/sso/saml/acs/", {"SAMLResponse": _answer(client, "hana")}).status_code == 302
    assert User.objects.filter(username="hana@example.org").exists()


def test_groups_that_map_to_nothing_give_no_access(idp: IdentityProvider) -> None:
    client = Client()
    response = client.post("/sso/saml/acs/", {"SAMLResponse": _answer(client, "ivan")})
    assert response.status_code == 403 and "sales" in response.content.decode()
    assert not User.objects.filter(email="ivan@example.org").exists()


def test_an_answer_counts_once(idp: IdentityProvider) -> None:
    client = Client()
    answer = _answer(client, "hana")
    assert client.post("/sso/saml/acs/", {"SAMLResponse": answer}).status_code == 302
    replay = Client().post("/sso/saml/acs/", {"SAMLResponse": answer})
    assert replay.status_code == 400 and "could not be used" in replay.content.decode()


def test_a_tampered_answer_is_refused(idp: IdentityProvider) -> None:
    client = Client()
    xml = base64.b64decode(_answer(client, "ivan")).decode()
    assert "sales" in xml
    forged = base64.b64encode(xml.replace("sales", "ethics-committee").encode()).decode()
    response = client.post("/sso/saml/acs/", {"SAMLResponse": forged})
    assert response.status_code == 400
    assert not User.objects.filter(email="ivan@example.org").exists()


def test_an_unsolicited_or_malformed_answer_is_refused(idp: IdentityProvider) -> None:
    client = Client()
    answer = _answer(client, "hana")
    SsoPendingRequest.objects.all().delete()  # as if Conduct never sent (or long ago forgot) the request
    assert client.post("/sso/saml/acs/", {"SAMLResponse": answer}).status_code == 400
    assert client.post("/sso/saml/acs/", {"SAMLResponse": "bm90IHhtbA=="}).status_code == 400
    assert client.post("/sso/saml/acs/", {}).status_code == 400
    assert not User.objects.filter(email="hana@example.org").exists()
