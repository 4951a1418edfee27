"""Writes for investigator access (issue 18): grant (create or update) and revoke time-limited, scoped,
read-only access, and ledger each request an investigator makes. Each write is audited."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import INVESTIGATOR_MODULES, Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.accounts.services import check_user_fields
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid, NotFound

_UNTIL_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?$")


def parse_until(text: str) -> datetime:
    """`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, in UTC, as an aware datetime. A date alone means access through
    that whole day: it ends at 00:00 UTC the next day. Raises Invalid naming `until`."""
    match = _UNTIL_RE.match((text or "").strip())
    if not match:
        raise Invalid(
            _("The end of access is not valid."),
            fields={"until": _("%(t)r: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC).") % {"t": text}},
        )
    day, hm = match.groups()
    try:
        moment = datetime.fromisoformat(f"{day}T{hm or '00:00'}").replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(
            _("The end of access is not valid."),
            fields={"until": _("%(t)r is not a calendar date or time.") % {"t": text}},
        ) from None
    if hm is None and moment.date() == date.max:
        raise Invalid(
            _("The end of access is not valid."),
            fields={"until": _("%(t)r is not a calendar date or time.") % {"t": text}},
        )
    return moment + timedelta(days=1) if hm is None else moment


def _access_summary(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "until": user.access_until.isoformat() if user.access_until else None,
        "units": sorted(user.scope_units.values_list("code", flat=True)),
        "modules": list(user.scope_modules or []),
    }


def _until_and_module_errors(until: datetime, modules: list[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(until, datetime) or until.tzinfo is None:
        errors["until"] = _("Expected a date and time in UTC.")
    elif until <= timezone.now():
        errors["until"] = _("%(t)s UTC is in the past; access must end in the future.") % {
            "t": f"{until:%Y-%m-%d %H:%M}"
        }
    unknown_modules = sorted(set(modules) - set(INVESTIGATOR_MODULES))
    if unknown_modules:
        errors["modules"] = _("Unknown module(s) %(bad)s; expected some of %(known)s.") % {
            "bad": ", ".join(unknown_modules),
            "known": ", ".join(INVESTIGATOR_MODULES),
        }
    return errors


@transaction.atomic
def investigator_grant(
    *,
    actor: Actor,
    username: str,
    until: datetime,
    units: list[str] | None = None,
    modules: list[str] | None = None,
    email: str = "",
) -> tuple[User, bool]:
    """Create or update a read-only investigator account that ends at `until` (UTC), limited to the org units
    (codes; none: all) and modules (keys of roles.INVESTIGATOR_MODULES; none: all) given. An existing auditor
    gets the expiry only. Returns the user and whether it was created. Nothing changes on a problem."""
    authorize(actor, "investigators.manage")
    units, modules = list(units or []), list(modules or [])
    errors = _until_and_module_errors(until, modules)
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=units)}
    missing = [code for code in units if code not in found]
    if missing:
        errors["units"] = _("No org unit %(codes)s.") % {"codes": ", ".join(missing)}
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if user is None:
        errors.update(check_user_fields(username=username, role=str(Role.INVESTIGATOR), portal_org=None))
    elif user.role == Role.AUDITOR:
        if units or modules:
            errors["units" if units else "modules"] = _(
                "An auditor reads every unit and module; only the end of access is set."
            )
    elif user.role != Role.INVESTIGATOR:
        errors["username"] = _("%(name)s is a %(role)s, not an investigator or auditor.") % {
            "name": username,
            "role": user.role,
        }
    if errors:
        raise Invalid(_("The investigator access is not valid."), fields=errors)
    if user is None:
        user = User(username=username, email=email, role=Role.INVESTIGATOR)
        user.set_unusable_password()
    user.access_until = until
    if user.role == Role.INVESTIGATOR:
        user.scope_modules = [key for key in INVESTIGATOR_MODULES if key in modules]
    user.save()
    if user.role == Role.INVESTIGATOR:
        user.scope_units.set([found[code] for code in units])
    ledger_append(
        actor=actor,
        action=AccountsAction.INVESTIGATOR_GRANT,
        object_type="user",
        object_id=user.pk,
        summary={**_access_summary(user), "created": created},
    )
    return user, created


@transaction.atomic
def investigator_revoke(*, actor: Actor, username: str) -> User:
    """End an investigator's (or auditor's) access now: every later request is refused."""
    authorize(actor, "investigators.manage")
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None or user.role not in (Role.INVESTIGATOR, Role.AUDITOR):
        raise NotFound(_("No investigator or auditor named %(name)r.") % {"name": username})
    now = timezone.now()
    if user.access_until is None or user.access_until > now:
        user.access_until = now
        user.save(update_fields=["access_until"])
    ledger_append(
        actor=actor,
        action=AccountsAction.INVESTIGATOR_REVOKE,
        object_type="user",
        object_id=user.pk,
        summary=_access_summary(user),
    )
    return user


def investigator_read_record(*, user: User, method: str, path: str, status: int) -> None:
    """Ledger one request an investigator made (path, method, status; never a body or a form), in a
    transaction of its own after the response. Called by accounts.middleware for every investigator
    request; the investigator's own actor is the entry's actor, so reading it back is one filter."""
    with transaction.atomic():
        ledger_append(
            actor=user,
            action=AccountsAction.INVESTIGATOR_READ,
            object_type="user",
            object_id=user.pk,
            summary={"method": method[:10], "path": path[:500], "status": int(status)},
        )
