"""What the device-access services share: the ledger's action names, the actor checks, the approvers."""

from __future__ import annotations

import getpass
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import PortalOrganisation, User
from conduct.apps.accounts.roles import Role
from conduct.apps.errors import Forbidden


class AccessAction(StrEnum):
    """Ledger action names of the device-access module."""

    DEVICE_REGISTER = "device.register"
    DEVICE_IMPORT = "device.import"
    DEVICE_TOKEN = "device.token"  # noqa: S105 - an action name
    REQUEST_CREATE = "access_request.create"
    REQUEST_APPROVE = "access_request.approve"
    REQUEST_DENY = "access_request.deny"
    REQUEST_EXPIRE = "access_request.expire"
    GRANT_ISSUE = "grant.issue"
    GRANT_REVOKE = "grant.revoke"
    REVOCATIONS_PUBLISH = "grant_revocations.publish"
    EVENT_RECORD = "access_event.record"


def person(actor: Actor, what: str) -> User:
    """The user behind a request or an answer: a system actor (CLI without --as, scheduler, demo) is refused,
    so nothing at the company can approve on a customer's behalf."""
    if isinstance(actor, SystemActor) or not isinstance(actor, User):
        raise Forbidden(
            _("Only a named person may %(what)s; there is no system or break-glass path.") % {"what": what},
            code="person_required",
        )
    return actor


def approvers(customer: PortalOrganisation) -> QuerySet[User]:
    """The customer's approvers (portal role customer_approver of that organisation)."""
    return User.objects.filter(role=Role.CUSTOMER_APPROVER, portal_org=customer, is_active=True)


def operator() -> str:
    """Who ran the CLI (recorded next to the `--as` user)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "cli"
