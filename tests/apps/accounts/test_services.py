"""Organisation services: validation, the materialised path, liaison coverage, the users CLI, and the
ledger."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.roles import Role
from conduct.apps.errors import Conflict, Forbidden, Invalid
from tests.factories import OrgUnitFactory, PortalOrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Quiet-lantern-harbour-42"


def unit(code: str) -> Any:
    from conduct.apps.accounts.models import OrgUnit

    return OrgUnit.objects.get(code=code)


def ledger_count() -> int:
    from conduct.apps.audit.models import LedgerEntry

    return LedgerEntry.objects.count()


def last_entry() -> Any:
    from conduct.apps.audit.models import LedgerEntry

    return LedgerEntry.objects.order_by("-seq").first()


# --- org units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"code": "Bad Code!"}, Invalid, "code"),
        ({"code": "-leading-hyphen"}, Invalid, "code"),
        ({"code": "x" * 65}, Invalid, "code"),
        ({"country": "XX"}, Invalid, "country"),
        ({"country": "GBR"}, Invalid, "country"),
        ({"country": ""}, Invalid, "country"),
        ({"kind": "galaxy"}, Invalid, "kind"),
        ({"name": "   "}, Invalid, "name"),
        ({"name": "n" * 201}, Invalid, "name"),
        ({"parent": None}, Invalid, "parent"),  # only a headquarters stands at the top
        ({"code": "taken"}, Conflict, "code"),
    ],
)
def test_org_unit_creation_refuses_bad_input_and_changes_nothing(fields, error, field):
    from conduct.apps.accounts.services import orgunit_create

    admin = UserFactory(role=Role.ADMIN)
    OrgUnitFactory(code="taken")
    args = {
        "code": "br-fr",
        "name": "France Branch",
        "kind": "branch",
        "country": "FR",
        "parent": OrgUnitFactory(),
        **fields,
    }
    units, entries = OrgUnit.objects.count(), ledger_count()
    with pytest.raises(error) as exc:
        orgunit_create(actor=admin, **args)
    assert field in exc.value.fields
    assert (OrgUnit.objects.count(), ledger_count()) == (units, entries)


def test_a_second_headquarters_may_stand_at_the_top_but_only_an_administrator_creates_it():
    from conduct.apps.accounts.services import orgunit_create

    admin = UserFactory(role=Role.ADMIN)
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER)
    with pytest.raises(Forbidden):
        orgunit_create(actor=officer, code="hq-eu", name="EU HQ", kind="headquarters", country="NL")
    top = orgunit_create(actor=admin, code="hq-eu", name="EU HQ", kind="headquarters", country="nl")
    assert (top.parent, top.depth, top.path, top.country) == (None, 0, f"/{top.pk:06d}/", "NL")


def test_org_unit_codes_are_compared_as_given():
    from conduct.apps.accounts.services import orgunit_create

    parent = OrgUnitFactory()
    OrgUnitFactory(code="br-zz", parent=parent)
    with pytest.raises(Invalid):  # upper case is not a valid code, so it cannot shadow "br-zz"
        orgunit_create(
            actor=UserFactory(role=Role.ADMIN),
            code="BR-ZZ",
            name="Shadow",
            kind="branch",
            country="DE",
            parent=parent,
        )


def test_the_materialised_path_extends_the_parents_and_records_the_depth():
    from conduct.apps.accounts.services import orgunit_create

    admin = UserFactory(role=Role.ADMIN)
    top = OrgUnitFactory()
    parent = OrgUnitFactory(parent=top)
    child = orgunit_create(
        actor=admin, code="br-uk-mcr", name="Manchester", kind="branch", country="GB", parent=parent
    )
    grandchild = orgunit_create(
        actor=admin, code="br-uk-mcr-lab", name="Lab", kind="department", country="GB", parent=child
    )
    assert child.path == f"{parent.path}{child.pk:06d}/"
    assert grandchild.path == f"{child.path}{grandchild.pk:06d}/"
    assert (child.depth, grandchild.depth) == (parent.depth + 1, parent.depth + 2)
    assert grandchild.ancestor_ids == [*parent.ancestor_ids, child.pk, grandchild.pk]
    assert grandchild.ancestor_ids[0] == top.pk


def test_scoping_follows_the_subtree_and_nothing_beside_it(admin, liaison_uk, cast):
    from conduct.apps.accounts.scoping import unit_in_scope
    from conduct.apps.accounts.selectors import orgunit_list
    from conduct.apps.accounts.services import orgunit_create

    child = orgunit_create(
        actor=admin, code="br-uk-mcr", name="Manchester", kind="branch", country="GB", parent=unit("br-uk")
    )
    deep = orgunit_create(
        actor=admin, code="br-uk-mcr-lab", name="Lab", kind="department", country="GB", parent=child
    )

    assert {u.code for u in orgunit_list(actor=liaison_uk)} == {"br-uk", "br-uk-mcr", "br-uk-mcr-lab"}
    assert unit_in_scope(liaison_uk, deep) and not unit_in_scope(liaison_uk, unit("br-de"))
    assert not unit_in_scope(liaison_uk, unit("hq-sales"))  # the parent is above the scope, not in it
    sales = {u.code for u in orgunit_list(actor=cast("liaison_sales"))}
    assert sales == {"hq-sales", "br-uk", "br-uk-mcr", "br-uk-mcr-lab", "br-de", "br-ae", "br-br"}
    assert {u.code for u in orgunit_list(actor=cast("supplier_acme"))} == set()


def test_an_officer_changes_units_only_inside_their_scope():
    from conduct.apps.accounts.services import liaison_assign, orgunit_create, orgunit_update

    top = OrgUnitFactory()
    uk, de = OrgUnitFactory(parent=top), OrgUnitFactory(parent=top)
    officer_uk = UserFactory(role=Role.COMPLIANCE_OFFICER, home_unit=uk)  # scoped to the UK branch only
    child = orgunit_create(
        actor=officer_uk, code="br-uk-mcr", name="Manchester", kind="branch", country="GB", parent=uk
    )
    assert child.parent == uk
    for write in [
        lambda: orgunit_create(
            actor=officer_uk, code="br-de-x", name="X", kind="branch", country="DE", parent=de
        ),
        lambda: orgunit_update(actor=officer_uk, unit=de, name="Renamed"),
        lambda: liaison_assign(actor=officer_uk, user=UserFactory(), unit=de),
    ]:
        with pytest.raises(Forbidden) as exc:
            write()
        assert exc.value.code == "out_of_scope"


def test_org_unit_update_validates_and_audits_only_real_changes():
    from conduct.apps.accounts.services import orgunit_update

    branch = OrgUnitFactory(parent=OrgUnitFactory(), name="UK Branch (London)", country="GB")
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER, home_unit=branch)
    before = ledger_count()
    orgunit_update(actor=officer, unit=branch, name="UK Branch (London)", country="gb")  # the same values
    assert ledger_count() == before
    with pytest.raises(Invalid) as exc:
        orgunit_update(actor=officer, unit=branch, country="QQ")
    assert "country" in exc.value.fields
    orgunit_update(actor=officer, unit=branch, is_active=False)
    assert last_entry().summary == {"is_active": [True, False]}


# --- liaisons -----------------------------------------------------------------------------------


def _uncovered_on_page(client: Any) -> set[str]:
    html = client.get("/org/liaisons/").content.decode()
    section = html.split('id="uncovered-h"')[1].split("</section>")[0]
    return {int(pk) for pk in re.findall(r'href="/org/units/(\d+)/"', section)}  # type: ignore[misc]


def _uncovered_in_api(client: Any) -> set[int]:
    return {item["id"] for item in client.get("/api/v1/org-units/without-liaison?limit=500").json()["items"]}


@pytest.mark.parametrize("username", ["officer", "liaison_sales", "liaison_uk", "auditor"])
def test_the_units_without_liaison_page_and_api_agree(cast, api_client, username):
    from conduct.apps.accounts.models import OrgUnit

    client = api_client(cast(username))
    on_page, in_api = _uncovered_on_page(client), _uncovered_in_api(client)
    assert on_page == in_api
    expected = {
        "officer": {"hq-compliance", "bu-apps", "br-shenzhen", "br-br"},
        "liaison_sales": {"br-br"},
        "liaison_uk": set(),
        "auditor": {"hq-compliance", "bu-apps", "br-shenzhen", "br-br"},
    }[username]
    assert set(OrgUnit.objects.filter(pk__in=in_api).values_list("code", flat=True)) == expected


@pytest.mark.parametrize("route", ["page", "api"])
def test_appointing_a_liaison_routes_the_unit_to_them_and_covers_it(officer, analyst, api_client, route):
    from conduct.apps.accounts.models import Liaison

    client = api_client(officer)
    br_br = unit("br-br")
    assert br_br.pk in _uncovered_in_api(client)
    assert api_client(analyst).get("/api/v1/org-units/br-br").status_code == 404

    before = ledger_count()
    if route == "page":
        response = client.post("/org/liaisons/", {"username": "analyst", "org_unit": br_br.pk})
        assert response.status_code == 302
    else:
        response = client.post(
            "/api/v1/liaisons", {"user": "analyst", "org_unit": "br-br"}, content_type="application/json"
        )
        assert response.status_code == 201 and response.json()["org_unit"] == "br-br"

    assert Liaison.objects.filter(user=analyst, org_unit=br_br).exists()
    assert ledger_count() == before + 1 and last_entry().action == "liaison.assign"
    assert br_br.pk not in _uncovered_in_api(client) and br_br.pk not in _uncovered_on_page(client)
    # the appointment puts the unit in the liaison's scope: its work now reaches them
    assert api_client(analyst).get("/api/v1/org-units/br-br").status_code == 200


@pytest.mark.parametrize("route", ["page", "api"])
def test_removing_the_last_liaison_uncovers_the_unit(officer, api_client, route):
    from conduct.apps.accounts.models import Liaison

    client = api_client(officer)
    liaison = Liaison.objects.get(org_unit__code="br-de")
    if route == "page":
        assert client.post(f"/org/liaisons/{liaison.pk}/remove").status_code == 302
    else:
        assert client.delete(f"/api/v1/liaisons/{liaison.pk}").status_code == 204
    assert last_entry().action == "liaison.remove"
    assert unit("br-de").pk in _uncovered_in_api(client) and unit("br-de").pk in _uncovered_on_page(client)


def test_an_inactive_unit_is_not_counted_as_uncovered(officer, api_client):
    from conduct.apps.accounts.services import orgunit_update

    orgunit_update(actor=officer, unit=unit("br-br"), is_active=False)
    assert unit("br-br").pk not in _uncovered_in_api(api_client(officer))


@pytest.mark.parametrize(
    ("username", "code", "error"),
    [("supplier_acme", "br-br", Invalid), ("liaison_uk", "br-uk", Conflict)],
)
def test_a_liaison_must_be_an_active_internal_user_appointed_once(cast, officer, username, code, error):
    from conduct.apps.accounts.services import liaison_assign

    before = ledger_count()
    with pytest.raises(error):
        liaison_assign(actor=officer, user=cast(username), unit=unit(code))
    assert ledger_count() == before


# --- users and the CLI --------------------------------------------------------------------------


def _users_create(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str | None = None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("users_create", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_cli_creates_a_liaison_scoped_to_a_unit_with_a_password_from_stdin(monkeypatch):
    from conduct.apps.accounts.models import User
    from conduct.cli import _resolve

    assert _resolve(["users", "create", "grace2"])[0] == "users_create"
    before = ledger_count()
    out = _users_create(
        monkeypatch, "grace2", "--role", "liaison", "--unit", "br-uk", "--password-stdin", stdin=f"{STRONG}\n"
    )
    assert "Created grace2 (liaison)" in out

    user = User.objects.get(username="grace2")
    assert user.role == "liaison" and user.home_unit == unit("br-uk")
    assert [u.code for u in user.scope_units.all()] == ["br-uk"]
    assert user.check_password(STRONG)
    assert ledger_count() == before + 1
    entry = last_entry()
    assert (entry.action, entry.actor, entry.summary["scope_units"]) == ("user.create", "cli", ["br-uk"])
    assert STRONG not in str(entry.summary)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "liaison", "--unit", "br-xx", "--password-stdin"], f"{STRONG}\n", "no such org unit"),
        (["--role", "overlord", "--unit", "br-uk"], None, "invalid choice"),
        (["--role", "liaison", "--unit", "br-uk", "--password-stdin"], "password123\n", "password"),
        (["--role", "liaison", "--unit", "br-uk", "--password-stdin"], "newbie-uk\n", "password"),
        (["--role", "liaison", "--unit", "br-uk", "--password-stdin"], "\n", "empty password"),
        (["--role", "supplier"], None, "--org is required"),
    ],
)
def test_the_users_cli_refuses_bad_input_and_creates_nothing(monkeypatch, args, stdin, message):
    from conduct.apps.accounts.models import User

    users, entries = User.objects.count(), ledger_count()
    with pytest.raises(CommandError, match=message):
        _users_create(monkeypatch, "newbie-uk", *args, stdin=stdin)
    assert (User.objects.count(), ledger_count()) == (users, entries)


def test_the_users_cli_refuses_a_taken_name_whatever_its_case(monkeypatch):
    with pytest.raises(CommandError, match="already exists"):
        _users_create(monkeypatch, "Liaison_UK", "--role", "liaison")


def test_the_users_cli_creates_portal_users_in_their_organisation(monkeypatch):
    from conduct.apps.accounts.models import User

    _users_create(monkeypatch, "bob-acme", "--role", "supplier", "--org", "Acme Electronics Assembly Ltd.")
    bob = User.objects.get(username="bob-acme")
    assert bob.portal_org == User.objects.get(username="supplier_acme").portal_org
    assert not bob.has_usable_password() and list(bob.scope_units.all()) == []


def test_a_portal_user_cannot_be_given_org_units():
    from conduct.apps.accounts.models import User
    from conduct.apps.accounts.services import user_create

    org = PortalOrganisationFactory()
    with pytest.raises(Invalid) as exc:
        user_create(
            actor=UserFactory(role=Role.ADMIN),
            username="eve-acme",
            role="supplier",
            portal_org=org,
            scope_units=[OrgUnitFactory()],
        )
    assert "scope_units" in exc.value.fields
    assert not User.objects.filter(username="eve-acme").exists()


def test_an_admin_cannot_lock_themselves_out():
    from conduct.apps.accounts.services import user_update

    admin = UserFactory(role=Role.ADMIN)
    for change in [{"is_active": False}, {"role": "analyst"}]:
        with pytest.raises(Forbidden) as exc:
            user_update(actor=admin, user=admin, **change)
        assert exc.value.code == "self_change"


def test_only_an_admin_manages_users():
    from conduct.apps.accounts.services import user_create

    with pytest.raises(Forbidden):
        user_create(actor=UserFactory(role=Role.COMPLIANCE_OFFICER), username="sneaky", role="admin")


# --- every write is audited exactly once --------------------------------------------------------


def _token(admin: Any) -> Any:
    from conduct.apps.accounts.services import token_create

    return token_create(actor=SYSTEM, user=admin, name="to-revoke")[0]


def _user(username: str) -> Callable[[Any], Any]:
    def get(admin: Any) -> Any:
        from conduct.apps.accounts.models import User

        return User.objects.get(username=username)

    return get


def _liaison(admin: Any) -> Any:
    from conduct.apps.accounts.models import Liaison

    return Liaison.objects.get(org_unit__code="br-de")


# (action, object type, prepare(admin) -> thing, write(admin, thing) -> written object)
SERVICE_WRITES: list[tuple[str, str, Callable[[Any], Any], Callable[[Any, Any], Any]]] = [
    (
        "orgunit.create",
        "orgunit",
        lambda a: unit("hq-sales"),
        lambda a, parent: _s().orgunit_create(
            actor=a, code="br-fr", name="France", kind="branch", country="FR", parent=parent
        ),
    ),
    (
        "orgunit.update",
        "orgunit",
        lambda a: unit("br-uk"),
        lambda a, u: _s().orgunit_update(actor=a, unit=u, name="UK"),
    ),
    (
        "portalorg.create",
        "portalorg",
        lambda a: None,
        lambda a, _: _s().portal_org_create(actor=a, name="Nova Transit", kind="customer"),
    ),
    (
        "user.create",
        "user",
        lambda a: None,
        lambda a, _: _s().user_create(actor=a, username="newbie", role="analyst", password=STRONG),
    ),
    (
        "user.update",
        "user",
        _user("analyst"),
        lambda a, u: _s().user_update(actor=a, user=u, email="ana@example.org"),
    ),
    (
        "user.set_password",
        "user",
        _user("analyst"),
        lambda a, u: (_s().user_set_password(actor=a, user=u, password=STRONG), u)[1],
    ),
    (
        "liaison.assign",
        "liaison",
        _user("analyst"),
        lambda a, u: _s().liaison_assign(actor=a, user=u, unit=unit("br-br")),
    ),
    (
        "liaison.remove",
        "liaison",
        _liaison,
        lambda a, liaison: (liaison.pk, _s().liaison_remove(actor=a, liaison=liaison)),
    ),
    ("token.create", "token", lambda a: None, lambda a, _: _s().token_create(actor=a, user=a, name="ci")[0]),
    ("token.revoke", "token", _token, lambda a, token: _s().token_revoke(actor=a, token=token)),
    (
        "session.end",
        "session",
        lambda a: _live_session(a),
        lambda a, row: (row.pk, _sessions().session_end(actor=a, session=row)),
    ),
]


def _live_session(user: Any) -> Any:
    from django.contrib.sessions.backends.db import SessionStore

    from conduct.apps.accounts.models import UserSession

    store = SessionStore()
    store.create()
    return UserSession.objects.create(session_key=store.session_key, user=user)


def _sessions() -> Any:
    from conduct.apps.accounts import sessions

    return sessions


def _s() -> Any:
    from conduct.apps.accounts import services

    return services


@pytest.mark.parametrize(
    ("action", "object_type", "prepare", "write"), SERVICE_WRITES, ids=[w[0] for w in SERVICE_WRITES]
)
def test_every_service_write_appends_exactly_one_ledger_entry_with_its_action(
    admin, action, object_type, prepare, write
):
    from conduct.apps.audit.services import ledger_verify

    thing = prepare(admin)
    before = ledger_count()
    written = write(admin, thing)
    assert ledger_count() == before + 1
    entry = last_entry()
    assert (entry.action, entry.object_type, entry.actor) == (action, object_type, f"user:{admin.pk}:admin")
    written_pk = written[0] if isinstance(written, tuple) else written.pk
    assert entry.object_id == str(written_pk)
    assert ledger_verify().ok


def test_every_accounts_service_that_writes_is_covered_above():
    import inspect

    from conduct.apps.accounts import services, services_tokens, sessions

    actions = {
        "orgunit_create": "orgunit.create",
        "orgunit_update": "orgunit.update",
        "portal_org_create": "portalorg.create",
        "user_create": "user.create",
        "user_update": "user.update",
        "user_set_password": "user.set_password",
        "liaison_assign": "liaison.assign",
        "liaison_remove": "liaison.remove",
        "token_create": "token.create",
        "token_revoke": "token.revoke",
        "session_end": "session.end",
    }
    writers = {
        name
        for module in (services, services_tokens, sessions)
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and "ledger_append" in inspect.getsource(fn)
    }
    assert writers == set(actions)
    assert [w[0] for w in SERVICE_WRITES] == list(actions.values())


def test_a_write_that_changes_nothing_or_fails_appends_nothing(admin):
    from conduct.apps.accounts import services as s
    from conduct.apps.accounts.models import User

    before = ledger_count()
    s.user_update(actor=admin, user=User.objects.get(username="analyst"), role="analyst")
    s.portal_org_create(actor=admin, name="Metro Transit Authority", kind="customer")  # already there
    with pytest.raises(Invalid):
        s.user_set_password(actor=admin, user=User.objects.get(username="analyst"), password="short")
    with pytest.raises(Invalid):
        s.token_create(actor=admin, user=admin, name="ci", scope="everything")
    assert ledger_count() == before


def test_unit_paths_of_several_users_in_one_read_match_each_user_s_own(cast, django_assert_num_queries):
    from conduct.apps.accounts.scoping import path_in_scope, unit_paths, unit_paths_many

    people = [cast(name) for name in ("liaison_uk", "liaison_sales", "admin", "supplier_acme", "officer")]
    with django_assert_num_queries(1):
        many = unit_paths_many(people)
    assert many == {p.pk: unit_paths(p) for p in people}
    assert many[cast("admin").pk] is None and many[cast("supplier_acme").pk] == []
    from conduct.apps.accounts.models import OrgUnit

    covered = {u.code for u in OrgUnit.objects.all() if path_in_scope(many[cast("liaison_sales").pk], u)}
    assert covered == {"hq-sales", "br-uk", "br-de", "br-ae", "br-br"}
    assert path_in_scope(many[cast("liaison_uk").pk], unit("br-uk")) and not path_in_scope(
        many[cast("liaison_uk").pk], unit("br-de")
    )
    assert path_in_scope(None, unit("br-de")) and not path_in_scope([], unit("br-de"))
