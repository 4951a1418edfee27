"""Users change their password when signed in, or reset it by an emailed link; both are ledgered."""

from __future__ import annotations

import re
from ipaddress import ip_network

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import DEMO_PASSWORD

NEW = "A-much-longer-passphrase-2026"


def _ledger_actions(username: str) -> list[str]:
    from conduct.apps.audit.models import LedgerEntry

    return list(
        LedgerEntry.objects.filter(object_type="accounts.User", summary__username=username)
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_a_signed_in_user_changes_their_password_and_stays_signed_in(officer):
    client = Client()
    client.force_login(officer)
    assert client.get("/account/password/").status_code == 200
    response = client.post(
        "/account/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert client.get("/api/v1/me").status_code == 200  # the session survives its own password change
    assert "account.password_changed" in _ledger_actions("officer")


@pytest.mark.django_db
def test_a_wrong_old_password_changes_nothing(officer):
    client = Client()
    client.force_login(officer)
    response = client.post(
        "/account/password/", {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(DEMO_PASSWORD)
    assert "account.password_changed" not in _ledger_actions("officer")


@pytest.mark.django_db
def test_a_password_is_reset_through_an_absolute_link_from_site_url(officer, settings):
    settings.SITE_URL = "https://conduct.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    officer.email = "officer@example.org"
    officer.save(update_fields=["email"])
    client = Client()
    response = client.post("/password-reset/", {"email": "officer@example.org"}, HTTP_HOST="other.example")
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https://conduct\.example\.org(/password-reset/\S+/)", message.body)
    assert link is not None, message.body
    assert "other.example" not in message.body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert "account.password_reset" in _ledger_actions("officer")


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_email(db):
    response = Client().post("/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_bad_reset_link_says_so(db):
    response = Client().get("/password-reset/x/y/")
    assert response.status_code == 200
    assert b"not valid" in response.content


def _reset(client: Client, email: str, address: str = "203.0.113.7", **extra: str) -> int:
    return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=address, **extra).status_code


@pytest.mark.django_db
def test_reset_requests_for_one_address_are_limited_whatever_the_client_address(settings):
    from tests.factories.accounts import UserFactory

    settings.PASSWORD_RESET_EMAIL_LIMIT = 2
    user = UserFactory(email="limited@example.org")
    client = Client()
    assert _reset(client, "limited@example.org", "203.0.113.1") == 302
    assert (
        _reset(client, " Limited@Example.org ", "203.0.113.2") == 302
    )  # the same account, differently typed
    assert len(mail.outbox) == 2
    response = client.post("/password-reset/", {"email": "limited@example.org"}, REMOTE_ADDR="203.0.113.3")
    assert response.status_code == 429
    assert b"Too many password reset requests" in response.content
    assert len(mail.outbox) == 2  # nothing more sent to the victim's mailbox
    assert _reset(client, "nobody-known@example.org", "203.0.113.3") == 302  # other addresses still work
    assert user.email == "limited@example.org"


@pytest.mark.django_db
def test_reset_requests_from_one_client_are_limited_and_a_trusted_proxy_forwards_the_client(settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 3
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.1")]
    client = Client()
    for n in range(3):
        assert (
            _reset(client, f"spray-{n}@example.org", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9") == 302
        )
    # The same client behind the proxy is refused; another client behind the same proxy is not.
    assert _reset(client, "spray-9@example.org", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9") == 429
    assert _reset(client, "spray-9@example.org", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.10") == 302
    # An untrusted peer's X-Forwarded-For is ignored: it cannot pose as a fresh client.
    for n in range(3):
        assert (
            _reset(client, f"direct-{n}@example.org", "192.0.2.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") == 302
        )
    assert _reset(client, "direct-9@example.org", "192.0.2.5", HTTP_X_FORWARDED_FOR="192.0.2.77") == 429


@pytest.mark.django_db
def test_reset_requests_across_everyone_are_limited_and_the_window_passes(settings):
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.accounts.models import PasswordResetRequest

    settings.PASSWORD_RESET_GLOBAL_LIMIT = 4
    client = Client()
    for n in range(4):
        assert _reset(client, f"many-{n}@example.org", f"198.51.100.{n}") == 302
    assert _reset(client, "many-9@example.org", "198.51.100.99") == 429
    assert PasswordResetRequest.objects.count() == 4  # a refused request is not counted
    assert not PasswordResetRequest.objects.filter(email_key__contains="@").exists()  # hashed, not as typed
    PasswordResetRequest.objects.update(at=timezone.now() - timedelta(minutes=61))
    assert _reset(client, "many-9@example.org", "198.51.100.99") == 302
    assert PasswordResetRequest.objects.count() == 1  # older requests are pruned
