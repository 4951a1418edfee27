"""Signed-in sessions: listed for their owner, ended by the owner or an administrator, ledgered; and passwords
per NIST SP 800-63B (length 12, the common-password list, no composition rules)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conduct.apps.accounts import services, sessions
from conduct.apps.accounts.models import User, UserSession
from conduct.apps.accounts.sessions import agent_summary
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Forbidden, Invalid
from tests.factories.accounts import PASSWORD, UserFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def _signed_in(user: User, agent: str = FIREFOX) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def test_agent_summary_names_browser_and_system_only() -> None:
    assert agent_summary(FIREFOX) == "Firefox on Linux"
    assert agent_summary(CHROME_MAC) == "Chrome on macOS"
    assert agent_summary("") == ""
    assert agent_summary("something odd") == "Unknown client"


@pytest.mark.django_db
def test_sign_in_records_a_session_and_sign_out_drops_it() -> None:
    user = UserFactory(role="analyst")
    client = _signed_in(user)
    row = UserSession.objects.get(user=user)
    assert row.agent == "Firefox on Linux"
    assert row.session_key == client.session.session_key
    listed = client.get("/api/v1/sessions").json()["items"]
    assert [(s["id"], s["agent"], s["current"]) for s in listed] == [(row.pk, "Firefox on Linux", True)]
    assert "Firefox on Linux" in client.get("/account/sessions/").content.decode()
    client.post("/logout/")
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_user_ends_their_other_session_and_that_browser_is_signed_out() -> None:
    user = UserFactory(role="analyst")
    laptop = _signed_in(user, FIREFOX)
    phone = _signed_in(user, CHROME_MAC)
    phone_row = UserSession.objects.get(user=user, agent="Chrome on macOS")
    assert laptop.get("/api/v1/sessions").json()["count"] == 2
    response = laptop.delete(f"/api/v1/sessions/{phone_row.pk}")
    assert response.status_code == 204
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 200
    entry = LedgerEntry.objects.filter(action="session.end").latest("seq")
    assert entry.object_id == str(phone_row.pk)
    assert entry.summary["user"] == user.username
    assert entry.summary["agent"] == "Chrome on macOS"


@pytest.mark.django_db
def test_ending_ones_own_current_session_from_the_page_signs_out() -> None:
    user = UserFactory(role="analyst")
    client = _signed_in(user)
    row = UserSession.objects.get(user=user)
    response = client.post(f"/account/sessions/{row.pk}/end")
    assert response.status_code == 302 and response["Location"].endswith("/login/")
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_others_sessions_are_hidden_from_users_and_ended_by_admins() -> None:
    owner = UserFactory(role="analyst")
    other = UserFactory(role="compliance_officer")
    admin = UserFactory(role="admin")
    owner_client = _signed_in(owner)
    row = UserSession.objects.get(user=owner)
    other_client = _signed_in(other)
    # another user: not listed, 404 to end, and the admin-wide list is refused
    assert all(s["username"] == other.username for s in other_client.get("/api/v1/sessions").json()["items"])
    assert other_client.delete(f"/api/v1/sessions/{row.pk}").status_code == 404
    assert other_client.post(f"/account/sessions/{row.pk}/end").status_code == 404
    assert other_client.get("/api/v1/sessions?everyone=true").status_code == 403
    with pytest.raises(Forbidden):
        sessions.session_end(actor=other, session=row)
    assert owner_client.get("/api/v1/me").status_code == 200
    # an administrator sees and ends it
    admin_client = _signed_in(admin)
    listed = admin_client.get(f"/api/v1/sessions?everyone=true&user={owner.username}").json()["items"]
    assert [s["id"] for s in listed] == [row.pk]
    page = admin_client.get(f"/account/sessions/?everyone=1&user={owner.username}").content.decode()
    assert owner.username in page
    assert admin_client.post(f"/account/sessions/{row.pk}/end").status_code == 302
    assert owner_client.get("/api/v1/me").status_code == 401
    entry = LedgerEntry.objects.filter(action="session.end").latest("seq")
    assert entry.summary["user"] == owner.username and admin.username in entry.actor


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions(admin: Any) -> None:
    user = UserFactory(role="analyst")
    client = _signed_in(user)
    services.user_update(actor=admin, user=user, is_active=False)
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get("/api/v1/me").status_code == 401
    entry = LedgerEntry.objects.filter(action="user.update").latest("seq")
    assert entry.summary["sessions_ended"] == 1


# --- passwords -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-pass1", False),  # 11 characters
        ("password1234", False),  # on the common-password list
        ("abcdefghijkl", True),  # no composition rules: letters only are fine at 12
        ("581093746251", True),  # digits only are fine too (no "entirely numeric" rule)
        ("correct horse battery staple", True),  # spaces allowed
    ],
)
def test_passwords_follow_nist_800_63b(admin: Any, password: str, ok: bool) -> None:
    user = UserFactory(role="analyst", username="nist-user")
    if ok:
        services.user_set_password(actor=user, user=user, password=password)
        user.refresh_from_db()
        assert user.check_password(password)
        assert LedgerEntry.objects.filter(action="user.set_password", object_id=str(user.pk)).exists()
    else:
        with pytest.raises(Invalid) as caught:
            services.user_set_password(actor=user, user=user, password=password)
        assert "password" in caught.value.fields


@pytest.mark.django_db
def test_password_change_page_is_ledgered_and_keeps_the_session() -> None:
    user = UserFactory(role="analyst")
    client = _signed_in(user)
    new = "a long enough passphrase"
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(action="account.password_changed").latest("seq").summary == {
        "username": user.username
    }
    assert client.get("/api/v1/me").status_code == 200
