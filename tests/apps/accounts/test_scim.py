"""SCIM 2.0 provisioning (RFC 7644), operation by operation: create, get, list with `userName eq`, replace,
patch active=false, delete (deactivates); Groups mapping to roles and units through the mapping file; the
SCIM token works only here and only a SCIM token works here; every write ledgered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import User, UserSession
from conduct.apps.accounts.services import token_create
from conduct.apps.audit.models import LedgerEntry
from tests.factories.accounts import OrgUnitFactory, UserFactory

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def mapping(tmp_path: Path, settings: Any) -> Path:
    unit = OrgUnitFactory(code="scim-uk")
    path = tmp_path / "sso-groups.yaml"
    path.write_text(
        "groups:\n"
        "  conduct-officers: {role: compliance_officer, units: [scim-uk]}\n"
        "  conduct-analysts: {role: analyst, units: [scim-uk]}\n",
        encoding="utf-8",
    )
    settings.SSO_GROUP_MAPPING_FILE = str(path)
    assert unit.code == "scim-uk"
    return path


@pytest.fixture
def scim(db: None) -> Any:
    bot = UserFactory(username="scim-bot", role="admin", is_service_account=True)
    _, secret = token_create(actor=SYSTEM, user=bot, name="idp", scope="scim", expires_days=30)
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    class Scim:
        token = secret

        def get(self, url: str) -> Any:
            return client.get(url, **headers)

        def send(self, method: str, url: str, body: Any) -> Any:
            return getattr(client, method)(url, json.dumps(body), content_type=SCIM, **headers)

        def delete(self, url: str) -> Any:
            return client.delete(url, **headers)

    return Scim()


def _user_body(user_name: str = "jane.doe", **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "externalId": f"ext-{user_name}",
        "name": {"givenName": "Jane", "familyName": "Doe"},
        "emails": [{"value": f"{user_name}@example.org", "primary": True}],
        "active": True,
        **extra,
    }


def test_users_create_get_list_filter_replace_patch_delete(scim: Any, mapping: Path) -> None:
    created = scim.send("post", "/scim/v2/Users", _user_body())
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == SCIM
    body = created.json()
    uid = body["id"]
    assert created["Location"].endswith(f"/scim/v2/Users/{uid}")
    assert body["userName"] == "jane.doe" and body["active"] is True and body["externalId"] == "ext-jane.doe"
    user = User.objects.get(pk=uid)
    assert not user.has_usable_password() and user.access_pending  # no mapped group yet: no access
    # a second create with the same userName: 409 uniqueness
    clash = scim.send("post", "/scim/v2/Users", _user_body())
    assert clash.status_code == 409 and clash.json()["scimType"] == "uniqueness"
    # get, list with a filter
    assert scim.get(f"/scim/v2/Users/{uid}").json()["emails"][0]["value"] == "jane.doe@example.org"
    listed = scim.get('/scim/v2/Users?filter=userName eq "jane.doe"').json()
    assert listed["totalResults"] == 1 and listed["Resources"][0]["id"] == uid
    assert scim.get('/scim/v2/Users?filter=userName eq "nobody"').json()["totalResults"] == 0
    bad = scim.get('/scim/v2/Users?filter=title co "x"')
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"
    # replace
    replaced = scim.send(
        "put", f"/scim/v2/Users/{uid}", _user_body(name={"givenName": "Janet", "familyName": "Doe"})
    )
    assert replaced.status_code == 200 and replaced.json()["name"]["givenName"] == "Janet"
    # patch active=false (the form Entra ID sends, a string boolean without a path, works too)
    client = Client()
    client.force_login(user)
    patched = scim.send(
        "patch",
        f"/scim/v2/Users/{uid}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]},
    )
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert not UserSession.objects.filter(user_id=uid).exists()
    assert client.get("/api/v1/me").status_code == 401
    again = scim.send(
        "patch",
        f"/scim/v2/Users/{uid}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "value": {"active": "True"}}]},
    )
    assert again.json()["active"] is True
    # delete deactivates (the row and what it recorded stay)
    assert scim.delete(f"/scim/v2/Users/{uid}").status_code == 204
    assert User.objects.get(pk=uid).is_active is False
    assert scim.get("/scim/v2/Users/999999999").status_code == 404
    actions = list(
        LedgerEntry.objects.filter(object_id=str(uid), action__startswith="scim.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "scim.user_create",
        "scim.user_update",
        "scim.user_update",
        "scim.user_update",
        "scim.user_deactivate",
    ]


def test_groups_give_role_and_units_through_the_mapping(scim: Any, mapping: Path) -> None:
    uid = scim.send("post", "/scim/v2/Users", _user_body("li.wei")).json()["id"]
    group = scim.send(
        "post",
        "/scim/v2/Groups",
        {"schemas": [GROUP_SCHEMA], "displayName": "conduct-officers", "members": [{"value": uid}]},
    )
    assert group.status_code == 201, group.content
    gid = group.json()["id"]
    user = User.objects.get(pk=uid)
    assert (user.role, user.access_pending) == ("compliance_officer", False)
    assert list(user.scope_units.values_list("code", flat=True)) == ["scim-uk"]
    assert scim.get(f"/scim/v2/Users/{uid}").json()["groups"][0]["display"] == "conduct-officers"
    assert scim.get('/scim/v2/Groups?filter=displayName eq "conduct-officers"').json()["totalResults"] == 1
    # removed from the group: no mapped group left, so no access
    removed = scim.send(
        "patch",
        f"/scim/v2/Groups/{gid}",
        {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{uid}"]'}]},
    )
    assert removed.status_code == 200 and removed.json()["members"] == []
    user.refresh_from_db()
    assert user.access_pending
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/users").status_code in {200, 403}
    assert client.get("/dashboard/").status_code == 403
    # an unmapped group gives nothing; a mapped one added by PATCH gives its role
    other = scim.send(
        "post", "/scim/v2/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "canteen"}
    ).json()["id"]
    scim.send(
        "patch",
        f"/scim/v2/Groups/{other}",
        {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": uid}]}]},
    )
    user.refresh_from_db()
    assert user.access_pending
    analysts = scim.send(
        "post", "/scim/v2/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "conduct-analysts"}
    ).json()["id"]
    scim.send(
        "patch",
        f"/scim/v2/Groups/{analysts}",
        {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": uid}]}]},
    )
    user.refresh_from_db()
    assert (user.role, user.access_pending) == ("analyst", False)
    # replace (PUT) and delete
    put = scim.send(
        "put",
        f"/scim/v2/Groups/{analysts}",
        {"schemas": [GROUP_SCHEMA], "displayName": "conduct-analysts", "members": []},
    )
    assert put.status_code == 200
    assert scim.delete(f"/scim/v2/Groups/{gid}").status_code == 204
    assert scim.get(f"/scim/v2/Groups/{gid}").status_code == 404
    assert LedgerEntry.objects.filter(action="scim.group_delete", object_id=str(gid)).exists()


def test_only_a_scim_token_reaches_scim_and_it_reaches_nothing_else(scim: Any, admin: Any) -> None:
    assert Client().get("/scim/v2/Users").status_code == 401
    _, ordinary = token_create(actor=SYSTEM, user=admin, name="rw", scope="read-write", expires_days=1)
    assert Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {ordinary}").status_code == 401
    session = Client()
    session.force_login(admin)
    assert session.get("/scim/v2/Users").status_code == 401
    refused = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {scim.token}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "scim_token"
    # a SCIM token is for service accounts only
    from conduct.apps.errors import Invalid

    with pytest.raises(Invalid):
        token_create(actor=SYSTEM, user=admin, name="x", scope="scim", expires_days=1)


def test_bad_input_is_a_scim_error_and_changes_nothing(scim: Any) -> None:
    before = User.objects.count()
    for body in ([], {"userName": ""}, {"userName": "ok.name", "active": "maybe"}, {"userName": "x y"}):
        response = scim.send("post", "/scim/v2/Users", body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    not_json = Client().post(
        "/scim/v2/Users", "{", content_type=SCIM, HTTP_AUTHORIZATION=f"Bearer {scim.token}"
    )
    assert not_json.status_code == 400
    assert User.objects.count() == before
    assert scim.get("/scim/v2/ServiceProviderConfig").json()["patch"]["supported"] is True
