"""Writes for API tokens: create, revoke, and the lookup that authenticates a bearer secret. Each write is
audited. Moved out of accounts.services (which re-exports these names) to keep each module under 500 lines."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import ApiToken, TokenScope, User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, Invalid

TOKEN_PREFIX = "cdt_"  # noqa: S105 - a public marker, not a secret


def hash_token(secret: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough (no slow hash needed).
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    user: User,
    name: str,
    scope: str = str(TokenScope.READ),
    expires_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the secret, which is never stored or shown again."""
    if isinstance(actor, User) and actor.pk == user.pk:
        authorize(actor, "tokens.own")
    else:
        authorize(actor, "tokens.service")
        if isinstance(actor, User) and not user.is_service_account:
            raise Forbidden(
                _("Administrators create tokens for service accounts only; users create their own."),
                code="not_service_account",
            )
    errors: dict[str, str] = {}
    if scope not in TokenScope.values:
        errors["scope"] = _("Expected read or read-write, not %(scope)s.") % {"scope": repr(scope)}
    elif scope == TokenScope.SCIM and not user.is_service_account:
        errors["scope"] = _("A SCIM token is for a service account only.")
    days = settings.CONDUCT["TOKEN_DEFAULT_DAYS"] if expires_days is None else expires_days
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
        errors["expires_days"] = _("Expected a whole number of days from 1 to 3650.")
    if not (name or "").strip() or len(name) > 100:
        errors["name"] = _("A name of 1-100 characters is required.")
    if not user.is_active:
        errors["user"] = _("The user is deactivated.")
    if errors:
        raise Invalid(_("The token request is not valid."), fields=errors)
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 4 billion
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        token_hash=hash_token(secret),
        scope=scope,
        created_by=actor if isinstance(actor, User) else None,
        expires_at=timezone.now() + timedelta(days=days),
    )
    ledger_append(
        actor=actor,
        action=AccountsAction.TOKEN_CREATE,
        object_type="token",
        object_id=token.pk,
        summary={
            "user": user.username,
            "name": token.name,
            "scope": scope,
            "prefix": prefix,
            "expires_at": token.expires_at,
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if not (isinstance(actor, User) and actor.pk == token.user_id):
        authorize(actor, "tokens.service")
        if isinstance(actor, User) and not token.user.is_service_account:
            raise Forbidden(
                _("Administrators revoke service accounts' tokens; users revoke their own."),
                code="not_service_account",
            )
    if token.revoked_at is not None:
        raise Conflict(_("The token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    ledger_append(
        actor=actor,
        action=AccountsAction.TOKEN_REVOKE,
        object_type="token",
        object_id=token.pk,
        summary={"user": token.user.username, "prefix": token.prefix},
    )
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token matching `secret`, or None. Constant-time comparison of the hash."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    prefix = secret[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = ApiToken.objects.select_related("user", "user__home_unit").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.token_hash, hash_token(secret)):
        return None
    if not token.is_active() or not token.user.is_active or token.user.access_expired():
        return None  # an investigator's or auditor's access that has ended: 401, with nobody acting
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        # Usage stamps are bookkeeping, not a change of state: not ledgered, and throttled.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
