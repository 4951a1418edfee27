"""Single sign-on: what Conduct does with an identity the provider vouched for, whichever the protocol.

The protocol modules (accounts.sso_oidc, accounts.sso_saml) check the provider's answer (signatures, issuer,
audience, expiry, the request it answers) and hand over an `Identity`. Here, in one transaction:
- the user's groups are mapped to a role and units through the group mapping file (accounts.group_mapping,
  the same file SCIM provisioning reads); a user whose groups map to nothing is refused (and an existing
  account loses its access until a mapped group is assigned);
- the user is found by the provider's subject (an `SsoLink` made at the first sign-in), else by user name;
  created just in time when there is none; their name, email, role and units follow the provider at every
  sign-in;
- a deactivated account (by an administrator, or by the provider through SCIM) is refused.
Creations, changes and refusals are ledgered under the `sso` system actor. Signing the session in (and the
second factor) is the page's job (accounts.views_sso).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts import group_mapping
from conduct.apps.accounts.actors import SSO
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import SsoLink, User
from conduct.apps.accounts.provisioning import set_mapped_access
from conduct.apps.audit.services import ledger_append

_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{2,150}$")


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says signed in."""

    protocol: str  # "oidc" or "saml"
    issuer: str
    subject: str
    username: str
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    groups: tuple[str, ...] = ()


@dataclass
class Outcome:
    """A user to sign in, or why not: `reason` is "unmapped", "inactive", "not_sso", "bad_username" or
    "mapping"; `message` says it to the person at the browser."""

    user: User | None = None
    reason: str = ""
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _ledger(action: str, user: User | None, summary: dict[str, Any]) -> None:
    ledger_append(
        actor=SSO, action=action, object_type="user", object_id=user.pk if user else "", summary=summary
    )


def _find(identity: Identity) -> tuple[User | None, SsoLink | None]:
    link = (
        SsoLink.objects.select_related("user")
        .filter(protocol=identity.protocol, issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if link is not None:
        return link.user, link
    return User.objects.filter(username__iexact=identity.username).first(), None


def _refuse(identity: Identity, reason: str, message: str, user: User | None = None) -> Outcome:
    summary: dict[str, Any] = {"protocol": identity.protocol, "username": identity.username, "reason": reason}
    if reason == "unmapped":
        summary["groups"] = sorted(identity.groups)
    _ledger(AccountsAction.SSO_DENIED, user, summary)
    return Outcome(reason=reason, message=message, details={"groups": sorted(identity.groups)})


def _refused_account(identity: Identity, user: User) -> Outcome | None:
    if user.is_service_account or user.is_portal:
        return _refuse(
            identity,
            "not_sso",
            _("The account %(username)s does not sign in through the identity provider.")
            % {"username": user.username},
            user,
        )
    if not user.is_active:
        return _refuse(
            identity,
            "inactive",
            _("The account %(username)s is deactivated in Conduct.") % {"username": user.username},
            user,
        )
    return None


def _profile_changes(user: User, identity: Identity) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for attr, value in (
        ("first_name", _text(identity.given_name, 150)),
        ("last_name", _text(identity.family_name, 150)),
        ("email", _text(identity.email, 254)),
    ):
        if value and getattr(user, attr) != value:
            changes[attr] = [getattr(user, attr), value]
            setattr(user, attr, value)
    if changes:
        user.save(update_fields=list(changes))
    return changes


def _create(identity: Identity, role: str) -> User:
    user = User(
        username=identity.username,
        first_name=_text(identity.given_name, 150),
        last_name=_text(identity.family_name, 150),
        email=_text(identity.email, 254),
        role=role,
    )
    user.set_unusable_password()  # signs in through the identity provider only
    user.save()
    return user


def _link(identity: Identity, user: User, link: SsoLink | None) -> None:
    if link is None:
        SsoLink.objects.update_or_create(
            protocol=identity.protocol,
            issuer=identity.issuer,
            subject=identity.subject,
            defaults={"user": user, "last_sign_in": timezone.now()},
        )
    else:
        SsoLink.objects.filter(pk=link.pk).update(last_sign_in=timezone.now())


@transaction.atomic
def resolve_identity(identity: Identity) -> Outcome:
    """The user `identity` signs in as (created or brought up to date), or why it may not sign in."""
    if not _USERNAME_RE.match(identity.username):
        return _refuse(
            identity,
            "bad_username",
            _("The identity provider sent the user name %(username)s, which is not one Conduct can use.")
            % {"username": repr(identity.username[:160])},
        )
    try:
        role, codes = group_mapping.resolve(list(identity.groups), group_mapping.load())
    except group_mapping.MappingError as exc:
        return _refuse(
            identity, "mapping", _("The group mapping file cannot be read: %(error)s") % {"error": exc}
        )
    user, link = _find(identity)
    refused = _refused_account(identity, user) if user is not None else None
    if refused is not None:
        return refused
    if role is None:
        if user is not None:
            changes = set_mapped_access(user, None, [])
            if changes:
                _ledger(AccountsAction.SSO_USER_UPDATE, user, {"username": user.username, **changes})
        return _refuse(
            identity,
            "unmapped",
            _("None of your groups at the identity provider gives access to Conduct."),
            user,
        )
    created = user is None
    user = _create(identity, role) if user is None else user
    changes = _profile_changes(user, identity)
    changes.update(set_mapped_access(user, role, codes))
    _link(identity, user, link)
    if created:
        summary = {"username": user.username, "protocol": identity.protocol, "role": role, "units": codes}
        _ledger(AccountsAction.SSO_USER_CREATE, user, summary)
    elif changes:
        _ledger(AccountsAction.SSO_USER_UPDATE, user, {"username": user.username, **changes})
    return Outcome(user=user)
