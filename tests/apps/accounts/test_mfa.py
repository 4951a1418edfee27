"""Second factors: TOTP (codes computed with pyotp), single-use recovery codes, wrong codes locking like wrong
passwords, and MFA_REQUIRED_ROLES keeping a session to the enrolment pages until it has passed a factor."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings

from conduct.apps.accounts import mfa
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Forbidden, Invalid
from tests.factories.accounts import PASSWORD, UserFactory

REQUIRED = override_settings(MFA_REQUIRED_ROLES=["admin", "compliance_officer"])


def _password_step(client: Client, user: Any, next_url: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def _enrol_totp(client: Client) -> tuple[pyotp.TOTP, list[str]]:
    page = client.get("/account/mfa/")
    assert page.status_code == 200
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    totp = pyotp.TOTP(secret)
    response = client.post("/account/mfa/totp", {"code": totp.now()})
    assert response.status_code == 200, response.content[:400]
    codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    assert len(codes) == 10
    return totp, codes


def _previous_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() - 30)


def _next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step (within the accepted drift): the current one was spent enrolling."""
    return totp.at(time.time() + 30)


@pytest.mark.django_db
def test_a_user_enrols_totp_and_then_signs_in_only_with_a_code() -> None:
    user = UserFactory(role="analyst")
    client = Client()
    assert _password_step(client, user).status_code == 302
    totp, _ = _enrol_totp(client)
    assert Authenticator.objects.filter(user_id=user.pk, type="totp").exists()
    assert LedgerEntry.objects.filter(action="mfa.totp_enrol", object_id=str(user.pk)).exists()
    client.post("/logout/")

    fresh = Client()
    response = _password_step(fresh, user, next_url="/account/tokens/")
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    # the password alone reaches nothing
    assert fresh.get("/api/v1/me").status_code == 401
    assert fresh.get("/account/tokens/").status_code == 302
    # a wrong code is refused, the right one signs in and follows `next`
    assert fresh.post("/login/verify/", {"code": "000000"}).status_code == 400
    response = fresh.post("/login/verify/", {"code": _next_code(totp)})
    assert response.status_code == 302 and response["Location"] == "/account/tokens/"
    assert fresh.get("/api/v1/me").json()["username"] == user.username


@pytest.mark.django_db
def test_a_totp_code_is_accepted_once() -> None:
    user = UserFactory(role="analyst")
    client = Client()
    _password_step(client, user)
    totp, _ = _enrol_totp(client)
    client.post("/logout/")
    first = Client()
    _password_step(first, user)
    code = _next_code(totp)
    assert first.post("/login/verify/", {"code": code}).status_code == 302
    second = Client()
    _password_step(second, user)
    assert second.post("/login/verify/", {"code": code}).status_code == 400  # replayed
    assert second.post("/login/verify/", {"code": _previous_code(totp)}).status_code == 400  # older


@pytest.mark.django_db
def test_recovery_codes_sign_in_once_each() -> None:
    user = UserFactory(role="analyst")
    client = Client()
    _password_step(client, user)
    _, codes = _enrol_totp(client)
    client.post("/logout/")
    one = Client()
    _password_step(one, user)
    assert one.post("/login/verify/", {"code": codes[0]}).status_code == 302
    entry = LedgerEntry.objects.filter(action="mfa.recovery_code_used").latest("seq")
    assert entry.summary == {"username": user.username, "left": 9}
    again = Client()
    _password_step(again, user)
    assert again.post("/login/verify/", {"code": codes[0]}).status_code == 400
    assert again.post("/login/verify/", {"code": codes[1]}).status_code == 302
    assert mfa.factors(user)["recovery_codes_left"] == 8


@pytest.mark.django_db
def test_wrong_codes_lock_the_account_like_wrong_passwords(settings: Any) -> None:
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.db.models import F

    user = UserFactory(role="analyst")
    client = Client()
    _password_step(client, user)
    totp, _ = _enrol_totp(client)
    client.post("/logout/")
    attacker = Client()
    _password_step(attacker, user)
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        statuses.append(attacker.post("/login/verify/", {"code": "123456"}).status_code)
        AccessAttempt.objects.filter(username=user.username).update(
            attempt_time=F("attempt_time") - timedelta(minutes=1)
        )
    assert statuses[-1] == 429 and set(statuses[:-1]) == {400}
    # the pending sign-in is gone, and the right code no longer helps
    assert attacker.post("/login/verify/", {"code": totp.now()}).status_code == 302
    assert attacker.get("/api/v1/me").status_code == 401
    # the password step is locked too
    assert _password_step(Client(), user).status_code == 429


@pytest.mark.django_db
@REQUIRED
def test_a_required_role_reaches_only_enrolment_until_it_has_a_factor() -> None:
    officer = UserFactory(role="compliance_officer")
    client = Client()
    response = _password_step(client, officer)
    assert response.status_code == 302
    assert client.get("/dashboard/")["Location"] == "/account/mfa/"
    page = client.get("/account/mfa/")
    assert page.status_code == 200 and 'data-testid="mfa-required"' in page.content.decode()
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "mfa_required"
    totp, _ = _enrol_totp(client)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    # next time: the password, then the code
    client.post("/logout/")
    again = Client()
    _password_step(again, officer)
    assert again.get("/api/v1/me").status_code == 401
    again.post("/login/verify/", {"code": _next_code(totp)})
    assert again.get("/dashboard/").status_code == 200


@pytest.mark.django_db
@REQUIRED
def test_a_session_that_skipped_the_second_step_is_sent_to_sign_in_again_and_tokens_are_unaffected() -> None:
    from conduct.apps.accounts.actors import SYSTEM
    from conduct.apps.accounts.services import token_create

    officer = UserFactory(role="compliance_officer")
    mfa_client = Client()
    _password_step(mfa_client, officer)
    _enrol_totp(mfa_client)
    forced = Client()
    forced.force_login(officer)  # a session without the second step
    assert forced.get("/api/v1/me").json()["error"]["code"] == "mfa_required"
    assert forced.get("/dashboard/")["Location"] == "/login/"
    _, secret = token_create(actor=SYSTEM, user=officer, name="ci", scope="read", expires_days=1)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    # other roles are not held
    analyst = UserFactory(role="analyst")
    other = Client()
    other.force_login(analyst)
    assert other.get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_factors_are_managed_by_their_owner_and_reset_by_admins() -> None:
    user = UserFactory(role="analyst")
    intruder = UserFactory(role="compliance_officer")
    admin = UserFactory(role="admin")
    client = Client()
    _password_step(client, user)
    _enrol_totp(client)
    with pytest.raises(Forbidden):
        mfa.totp_remove(actor=intruder, user=user)
    with pytest.raises(Forbidden):
        mfa.mfa_reset(actor=intruder, user=user)
    with pytest.raises(Invalid):
        mfa.totp_enrol(actor=intruder, user=intruder, secret=pyotp.random_base32(), code="000000")
    assert mfa.mfa_reset(actor=admin, user=user) == 2  # the app and the recovery codes
    assert not mfa.has_factor(user)
    assert LedgerEntry.objects.filter(action="mfa.reset", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_regenerated_recovery_codes_replace_the_old_ones_and_removal_is_ledgered() -> None:
    user = UserFactory(role="analyst")
    client = Client()
    _password_step(client, user)
    _, old = _enrol_totp(client)
    response = client.post("/account/mfa/recovery-codes")
    new = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    assert len(new) == 10 and set(new).isdisjoint(old)
    assert client.post("/account/mfa/totp/remove").status_code == 302
    assert not Authenticator.objects.filter(user_id=user.pk).exists()
    assert LedgerEntry.objects.filter(action="mfa.totp_remove", object_id=str(user.pk)).exists()


# --- a lost phone or key: an administrator resets the user's factors ------------------------------------


def _user_with_totp(**fields: Any) -> Any:
    user = UserFactory(**fields)
    secret = mfa.new_totp_secret()
    mfa.totp_enrol(actor=user, user=user, secret=secret, code=pyotp.TOTP(secret).now())
    assert Authenticator.objects.filter(user=user).count() == 2  # the app and its recovery codes
    return user


@pytest.mark.django_db
def test_an_administrator_resets_a_users_factors_from_the_users_page() -> None:
    admin, user = UserFactory(role="admin"), _user_with_totp(role="compliance_officer")
    client = Client()
    client.force_login(admin)
    page = client.get("/org/users/").content.decode()
    assert f'action="/org/users/{user.pk}/mfa-reset"' in page
    response = client.post(f"/org/users/{user.pk}/mfa-reset", follow=True)
    assert "Removed 2 second factors" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    entry = LedgerEntry.objects.get(action="mfa.reset")
    assert entry.summary["removed"] == 2 and entry.actor.endswith(admin.username)


@pytest.mark.django_db
def test_only_administrators_reset_factors_on_the_page_and_the_api() -> None:
    officer = UserFactory(role="compliance_officer")
    user = _user_with_totp(home_unit=officer.home_unit)  # a user the officer sees, in the officer's unit
    client = Client()
    client.force_login(officer)
    assert "mfa-reset" not in client.get("/org/users/").content.decode()
    assert client.post(f"/org/users/{user.pk}/mfa-reset").status_code == 403
    assert client.post(f"/api/v1/users/{user.pk}/mfa-reset").status_code == 403
    assert Authenticator.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_the_api_and_the_cli_reset_factors() -> None:
    from django.core.management import CommandError, call_command

    admin, user = UserFactory(role="admin"), _user_with_totp()
    client = Client()
    client.force_login(admin)
    response = client.post(f"/api/v1/users/{user.pk}/mfa-reset")
    assert response.status_code == 200 and response.json() == {"removed": 2}
    other = _user_with_totp()
    call_command("users_mfa_reset", other.username)
    assert not Authenticator.objects.filter(user__in=[user, other]).exists()
    assert LedgerEntry.objects.filter(action="mfa.reset", actor="cli").count() == 1
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("users_mfa_reset", "nobody")
