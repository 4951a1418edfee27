"""Second factors: TOTP with recovery codes, and WebAuthn security keys / passkeys.

Built on django-allauth's allauth.mfa (its Authenticator rows and its TOTP, recovery-code and WebAuthn logic,
fido2 underneath) but driven by Conduct's own sign-in (accounts.views): the password step, with its login
lock, stays as it was; a user with a factor is not signed in until a second step passes one
(`verify_second_factor`). A session that has passed one, or that enrolled one, carries SESSION_FLAG; the
roles in settings.MFA_REQUIRED_ROLES reach nothing else until it does (accounts.middleware, apikit).

Every enrolment and removal is a service here: one authorize, the write, a ledger entry.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt, encrypt
from allauth.mfa.webauthn.internal import auth as webauthn
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound

SESSION_FLAG = "conduct_mfa"  # this session passed (or enrolled) a second factor
PENDING_KEY = "conduct_mfa_pending"  # a password step passed, the second step not yet
TOTP_SECRET_KEY = "conduct_mfa_totp_secret"  # noqa: S105 - a session key name; the secret being enrolled, until its first code is entered
PENDING_SECONDS = 300
SIGN_IN_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


# --- reads ---------------------------------------------------------------------------------------


def required_for(user: User) -> bool:
    """Whether the user's role must use a second factor (settings.MFA_REQUIRED_ROLES)."""
    return user.role in settings.MFA_REQUIRED_ROLES


def has_factor(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SIGN_IN_FACTORS).exists()


def session_passed(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_FLAG))


def factors(user: User) -> dict[str, Any]:
    """What the user has enrolled, for the account page."""
    rows = list(Authenticator.objects.filter(user_id=user.pk).order_by("created_at", "pk"))
    totp = next((r for r in rows if r.type == Authenticator.Type.TOTP), None)
    codes = next((r for r in rows if r.type == Authenticator.Type.RECOVERY_CODES), None)
    keys = [
        {
            "id": r.pk,
            "name": r.data.get("name", ""),
            "created_at": r.created_at,
            "last_used_at": r.last_used_at,
        }
        for r in rows
        if r.type == Authenticator.Type.WEBAUTHN
    ]
    return {
        "totp": totp,
        "keys": keys,
        "recovery_codes_left": len(RecoveryCodes(codes).get_unused_codes()) if codes else 0,
        "any": totp is not None or bool(keys),
    }


def new_totp_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def totp_url(user: User, secret: str) -> str:
    return str(get_adapter().build_totp_url(user, secret))


def totp_qr_data_uri(url: str) -> str:
    svg = get_adapter().build_totp_svg(url)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _matching_counter(secret: str, code: str) -> int | None:
    """The time step whose TOTP code `code` is (within the tolerance window), or None."""
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    for counter in yield_hotp_counters_from_time():
        if secrets.compare_digest(typed, format_hotp_value(hotp_value(secret, counter))):
            return counter
    return None


def _ledger(actor: Actor, action: str, user: User, **summary: Any) -> None:
    ledger_append(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.pk,
        summary={"username": user.username, **summary},
    )


def _own(actor: Actor, user: User) -> None:
    """A user manages their own second factors; an administrator (or the CLI) only resets them."""
    if not (isinstance(actor, User) and actor.pk == user.pk):
        raise Forbidden(_("You manage only your own second factors."), code="forbidden")
    authorize(actor, "mfa.own")


# --- enrolment -----------------------------------------------------------------------------------


@transaction.atomic
def totp_enrol(*, actor: Actor, user: User, secret: str, code: str) -> list[str]:
    """Enrol an authenticator app: its first code proves the secret was copied. Answers the recovery codes
    (made with the first factor), to be shown once."""
    _own(actor, user)
    if Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
        raise Conflict(_("An authenticator app is already enrolled; remove it first."))
    if not secret:
        raise Invalid(_("Start again: no secret is being enrolled."), fields={"code": _("Reload the page.")})
    counter = _matching_counter(secret, code)
    if counter is None:
        raise Invalid(
            _("That code is not right."), fields={"code": _("Enter the 6-digit code the app shows now.")}
        )
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret), "last_counter": counter}
    )
    codes = RecoveryCodes.activate(user).get_unused_codes()
    _ledger(actor, AccountsAction.MFA_TOTP_ENROL, user)
    return codes


@transaction.atomic
def totp_remove(*, actor: Actor, user: User) -> None:
    _own(actor, user)
    removed, _by_type = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).delete()
    if not removed:
        raise NotFound(_("No authenticator app is enrolled."))
    _drop_codes_without_factor(user)
    _ledger(actor, AccountsAction.MFA_TOTP_REMOVE, user)


@transaction.atomic
def recovery_codes_regenerate(*, actor: Actor, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); only with a factor to recover."""
    _own(actor, user)
    if not has_factor(user):
        raise Invalid(_("Enrol an authenticator app or a security key first."), fields={})
    Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
    codes = RecoveryCodes.activate(user).get_unused_codes()
    _ledger(actor, AccountsAction.MFA_RECOVERY_CODES, user, count=len(codes))
    return codes


def webauthn_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """Creation options for a new security key (the challenge is kept in the session)."""
    return {"creation_options": webauthn.begin_registration(user, passwordless=False)}


@transaction.atomic
def webauthn_enrol(*, actor: Actor, user: User, name: str, credential: Any) -> list[str] | None:
    """Enrol a security key / passkey from the browser's answer to `webauthn_options` (inside
    allauth's request context). Answers new recovery codes when this is the first factor."""
    _own(actor, user)
    name = (name or "").strip()[:100] or "Security key"
    try:
        webauthn.parse_registration_response(credential)
        webauthn.complete_registration(credential)
    except (ValidationError, ValueError, TypeError, KeyError):
        raise Invalid(
            _("The security key's answer was not accepted."),
            fields={"credential": _("Try adding the key again.")},
        ) from None
    first = not has_factor(user)
    webauthn.WebAuthn.add(user, name, credential)
    _ledger(actor, AccountsAction.MFA_WEBAUTHN_ENROL, user, name=name)
    if first:
        return RecoveryCodes.activate(user).get_unused_codes()
    return None


@transaction.atomic
def webauthn_remove(*, actor: Actor, user: User, key_id: int) -> None:
    _own(actor, user)
    key = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN, pk=key_id).first()
    if key is None:
        raise NotFound(_("No security key %(key_id)s of yours.") % {"key_id": key_id})
    name = key.data.get("name", "")
    key.delete()
    _drop_codes_without_factor(user)
    _ledger(actor, AccountsAction.MFA_WEBAUTHN_REMOVE, user, name=name)


def _drop_codes_without_factor(user: User) -> None:
    if not has_factor(user):
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()


@transaction.atomic
def mfa_reset(*, actor: Actor, user: User) -> int:
    """An administrator removes every second factor of a user who lost theirs (they enrol anew at their next
    sign-in if their role requires it). Answers how many were removed."""
    authorize(actor, "mfa.manage")
    removed, _ = Authenticator.objects.filter(user_id=user.pk).delete()
    _ledger(actor, AccountsAction.MFA_RESET, user, removed=removed)
    return removed


# --- the second step of signing in ---------------------------------------------------------------


def webauthn_request_options(user: User) -> dict[str, Any] | None:
    """Options for signing in with a security key, when the user has one (inside allauth's request
    context: the challenge is kept in the session)."""
    if not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN).exists():
        return None
    return {"request_options": webauthn.begin_authentication(user)}


@transaction.atomic
def verify_second_factor(*, user: User, code: str = "", credential: Any = None) -> str | None:
    """Check a second factor for `user` at sign-in: a TOTP code (each time step once), a recovery code (each
    once) or a security key's signed answer. Answers the method that passed, or None."""
    authorize(user, "mfa.own")
    if credential is not None:
        try:
            webauthn.parse_authentication_response(credential)
            found = webauthn.complete_authentication(user, credential)
        except (ValidationError, ValueError, TypeError, KeyError):
            return None
        found.record_usage()
        return "webauthn"
    code = (code or "").strip()
    if not code:
        return None
    totp = (
        Authenticator.objects.select_for_update()
        .filter(user_id=user.pk, type=Authenticator.Type.TOTP)
        .first()
    )
    if totp is not None:
        counter = _matching_counter(decrypt(totp.data["secret"]), code)
        if counter is not None and counter > int(totp.data.get("last_counter", -1)):
            totp.data["last_counter"] = counter  # a code seen once is not accepted again
            totp.last_used_at = timezone.now()
            totp.save(update_fields=["data", "last_used_at"])
            return "totp"
    codes = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).first()
    recovery = RecoveryCodes(codes) if codes is not None else None
    if recovery is not None and recovery.validate_code(code):
        recovery.instance.record_usage()
        left = len(recovery.get_unused_codes())
        _ledger(user, AccountsAction.MFA_RECOVERY_CODE_USED, user, left=left)
        return "recovery_code"
    return None
