"""Users change their password when signed in, or reset it by an emailed link; both are ledgered."""

from __future__ import annotations

import re

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
