"""Investigator access (issue 18): time-limited, scoped by units and modules, every request ledgered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.investigators import investigator_grant, investigator_revoke, parse_until
from conduct.apps.accounts.models import User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import can
from conduct.apps.accounts.services import token_create
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Invalid
from tests.factories.accounts import PASSWORD, OrgUnitFactory, UserFactory
from tests.factories.governance import CaseFactory

pytestmark = pytest.mark.django_db


def _grant(username: str = "inv", days: int = 30, **kwargs: Any) -> User:
    user, _ = investigator_grant(
        actor=SYSTEM, username=username, until=timezone.now() + timedelta(days=days), **kwargs
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def _bearer(user: User) -> dict[str, str]:
    _, secret = token_create(actor=SYSTEM, user=user, name="t", scope="read", expires_days=60)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _expire(user: User) -> None:
    User.objects.filter(pk=user.pk).update(access_until=timezone.now() - timedelta(seconds=1))


def test_until_reads_a_day_as_through_that_day_and_a_time_as_given_in_utc():
    assert parse_until("2031-03-01").isoformat() == "2031-03-02T00:00:00+00:00"
    assert parse_until("2031-03-01T09:30").isoformat() == "2031-03-01T09:30:00+00:00"
    for bad in ("2031-02-30", "tomorrow", "2031-03-01T25:00", "", "9999-12-31"):
        with pytest.raises(Invalid) as err:
            parse_until(bad)
        assert "until" in err.value.fields


def test_grant_creates_a_read_only_investigator_with_units_and_modules_and_ledgers_it():
    unit = OrgUnitFactory()
    user = _grant(units=[unit.code], modules=["gates", "cases"])
    assert user.role == Role.INVESTIGATOR
    assert list(user.scope_units.all()) == [unit]
    assert user.scope_modules == ["cases", "gates"]
    entry = LedgerEntry.objects.filter(action="investigator.grant").latest("seq")
    assert entry.summary["units"] == [unit.code] and entry.summary["modules"] == ["cases", "gates"]
    # read-only: no write permission anywhere, as the auditor
    assert not can(user, "cases.open") and not can(user, "gates.decide") and can(user, "cases.view")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": -1}, "until"),
        ({"modules": ["cases", "nonsense"]}, "modules"),
        ({"units": ["no-such-unit"]}, "units"),
    ],
)
def test_grant_refuses_past_dates_unknown_modules_and_unknown_units_and_changes_nothing(kwargs, field):
    before = LedgerEntry.objects.count()
    with pytest.raises(Invalid) as err:
        _grant(username="inv-bad", **kwargs)
    assert field in err.value.fields
    assert not User.objects.filter(username="inv-bad").exists()
    assert LedgerEntry.objects.count() == before


def test_grant_gives_an_auditor_an_expiry_only_and_refuses_other_roles():
    auditor = UserFactory(role=Role.AUDITOR)
    user, created = investigator_grant(
        actor=SYSTEM, username=auditor.username, until=timezone.now() + timedelta(days=3)
    )
    assert not created and user.role == Role.AUDITOR and user.access_until is not None
    analyst = UserFactory(role=Role.ANALYST)
    with pytest.raises(Invalid):
        investigator_grant(actor=SYSTEM, username=analyst.username, until=timezone.now() + timedelta(days=3))


def test_modules_limit_the_permissions_through_the_one_check():
    user = _grant(modules=["gates"])
    assert can(user, "gates.view") and can(user, "policy.view")
    assert not can(user, "cases.view") and not can(user, "suppliers.view") and not can(user, "ledger.view")
    assert can(user, "dashboard.view") and can(user, "investigators.own_log")
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/gates/decisions").status_code == 200
    assert client.get("/api/v1/cases").status_code == 403


def test_units_limit_what_an_investigator_sees_through_scoped_reads():
    inside, outside = OrgUnitFactory(), OrgUnitFactory()
    seen = CaseFactory(org_unit=inside)
    hidden = CaseFactory(org_unit=outside)
    user = _grant(units=[inside.code])
    client = Client()
    client.force_login(user)
    ids = {c["id"] for c in client.get("/api/v1/cases?limit=500").json()["items"]}
    assert seen.pk in ids and hidden.pk not in ids
    assert client.get(f"/api/v1/cases/{hidden.pk}").status_code == 404
    everywhere = _grant(username="inv-all")
    client.force_login(everywhere)
    ids = {c["id"] for c in client.get("/api/v1/cases?limit=500").json()["items"]}
    assert {seen.pk, hidden.pk} <= ids


def test_an_expired_investigators_token_gets_401_without_anyone_acting():
    user = _grant()
    headers = _bearer(user)
    assert Client().get("/api/v1/me", **headers).status_code == 200
    _expire(user)
    response = Client().get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_expired_investigators_session_is_logged_out_and_sent_to_the_login_page():
    user = _grant()
    client = Client()
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    _expire(user)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/me").status_code == 401


def test_an_auditor_with_an_ended_access_is_refused_too():
    auditor = UserFactory(role=Role.AUDITOR)
    headers = _bearer(auditor)
    investigator_grant(actor=SYSTEM, username=auditor.username, until=timezone.now() + timedelta(days=1))
    assert Client().get("/api/v1/me", **headers).status_code == 200
    _expire(auditor)
    assert Client().get("/api/v1/me", **headers).status_code == 401


def test_revoke_ends_access_at_once():
    user = _grant()
    headers = _bearer(user)
    investigator_revoke(actor=SYSTEM, username=user.username)
    assert Client().get("/api/v1/me", **headers).status_code == 401
    assert LedgerEntry.objects.filter(action="investigator.revoke", object_id=str(user.pk)).exists()


def test_every_request_is_ledgered_without_its_body_and_shown_to_the_investigator_and_officers(officer):
    user = _grant()
    headers = _bearer(user)
    Client().get("/api/v1/cases?limit=5", **headers)
    Client().post(
        "/api/v1/cases", data={"title": "secret body text"}, content_type="application/json", **headers
    )
    entries = LedgerEntry.objects.filter(action="investigator.read", object_id=str(user.pk)).order_by("seq")
    assert [(e.summary["method"], e.summary["path"]) for e in entries][:2] == [
        ("GET", "/api/v1/cases?limit=5"),
        ("POST", "/api/v1/cases"),
    ]
    assert entries[1].summary["status"] == 403
    assert all("secret body text" not in str(e.summary) for e in entries)

    own = Client().get("/api/v1/me/access-log", **headers).json()
    assert own["items"][-1]["path"] in {"/api/v1/cases?limit=5", "/api/v1/cases"}
    client = Client()
    client.force_login(user)
    assert "/api/v1/cases?limit=5" in client.get("/account/access-log/").content.decode()

    officer_client = Client()
    officer_client.force_login(officer)
    log = officer_client.get(f"/api/v1/investigators/{user.username}/access-log").json()
    assert {"/api/v1/cases?limit=5", "/api/v1/cases"} <= {item["path"] for item in log["items"]}
    page = officer_client.get(f"/org/investigators/{user.username}/").content.decode()
    assert "/api/v1/cases?limit=5" in page
    # an investigator may not read another's log
    other = _grant(username="inv-other")
    assert Client().get(f"/api/v1/investigators/{other.username}/access-log", **headers).status_code == 403


def test_the_cli_grants_lists_and_revokes_with_one_line_errors(capsys):
    unit = OrgUnitFactory()
    future = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%d")
    call_command(
        "investigators_grant", "inv-cli", "--until", future, "--units", unit.code, "--modules", "cases,gates"
    )
    assert "Created inv-cli (investigator)" in capsys.readouterr().out
    user = User.objects.get(username="inv-cli")
    assert user.scope_modules == ["cases", "gates"]
    call_command("investigators_grant", "inv-cli", "--until", f"{future}T12:00")
    assert "Updated inv-cli" in capsys.readouterr().out
    call_command("investigators_list")
    assert "inv-cli" in capsys.readouterr().out
    for args, text in [
        (["--until", "2001-01-01"], "past"),
        (["--until", "31/12/2031"], "YYYY-MM-DD"),
        (["--until", future, "--modules", "cases,bogus"], "bogus"),
        (["--until", future, "--units", "nowhere"], "nowhere"),
    ]:
        with pytest.raises(CommandError) as err:
            call_command("investigators_grant", "inv-cli", *args)
        assert text in str(err.value) and "\n" not in str(err.value)
    call_command("investigators_revoke", "inv-cli")
    user.refresh_from_db()
    assert user.access_expired()
