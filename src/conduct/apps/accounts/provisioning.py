"""SCIM 2.0 provisioning (RFC 7643 / 7644): the identity provider creates, updates and deactivates users and
pushes its groups; a user's role and units follow from their groups through the mapping file
(accounts.group_mapping). Every write: one authorize (`users.manage`, held by the SCIM service account), the
write, a ledger entry, in one transaction. Deleting a user deactivates it (records keep their authors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts import group_mapping
from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import OrgUnit, ProvisionedGroup, User
from conduct.apps.accounts.roles import PORTAL_ROLES, Role
from conduct.apps.accounts.scoping import authorize, require
from conduct.apps.accounts.sessions import end_sessions
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, NotFound

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{2,150}$")
_MEMBER_FILTER = re.compile(r'^members\[value eq "([^"]+)"\]$', re.I)


@dataclass
class UserFields:
    user_name: str
    given_name: str
    family_name: str
    email: str
    active: bool
    external_id: str


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"  # some providers send "False"
    raise Invalid(_("Not a boolean."), fields={field: _("Expected true or false.")})


def _text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise Invalid(
            _("Not valid text."),
            fields={field: _("Expected text of at most %(limit)s characters.") % {"limit": limit}},
        )
    return value.strip()


def _primary_email(emails: Any) -> str:
    if not emails:
        return ""
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise Invalid(_("Not valid emails."), fields={"emails": _("Expected a list of {value, primary}.")})
    chosen = next((e for e in emails if e.get("primary")), emails[0])
    return _text(chosen.get("value"), "emails", 254)


def parse_user(data: Any) -> UserFields:
    """A User resource's attributes Conduct keeps; 422 naming the attribute when one is not valid."""
    if not isinstance(data, dict):
        raise Invalid(_("The body must be a User resource."), fields={"body": _("Expected a JSON object.")})
    name = data.get("name") or {}
    if not isinstance(name, dict):
        raise Invalid(_("Not a valid name."), fields={"name": _("Expected {givenName, familyName}.")})
    user_name = _text(data.get("userName"), "userName", 150)
    if not _USERNAME_RE.match(user_name):
        raise Invalid(
            _("Not a valid userName."), fields={"userName": _("Use 2-150 letters, digits and . @ + - _.")}
        )
    return UserFields(
        user_name=user_name,
        given_name=_text(name.get("givenName"), "name.givenName", 150),
        family_name=_text(name.get("familyName"), "name.familyName", 150),
        email=_primary_email(data.get("emails")),
        active=_bool(data.get("active", True), "active"),
        external_id=_text(data.get("externalId"), "externalId", 255),
    )


def _ledger(actor: Actor, action: str, object_type: str, pk: int, summary: dict[str, Any]) -> None:
    ledger_append(actor=actor, action=action, object_type=object_type, object_id=pk, summary=summary)


def apply_groups(user: User) -> dict[str, Any]:
    """Give `user` the role and units their provisioned groups map to (no access when none maps). Answers
    what changed (empty when nothing did)."""
    if user.role in PORTAL_ROLES or user.is_service_account:
        return {}
    groups = list(user.provisioned_groups.values_list("display_name", flat=True))
    role, codes = group_mapping.resolve(groups, group_mapping.load())
    return set_mapped_access(user, role, codes)


def set_mapped_access(user: User, role: str | None, codes: list[str]) -> dict[str, Any]:
    """Give `user` `role` and the units `codes` (no access when `role` is None), as the group mapping
    resolved them for SCIM or SSO. Answers what changed (empty when nothing did)."""
    changes: dict[str, Any] = {}
    if role is None:
        if not user.access_pending:
            changes["access_pending"] = [False, True]
            user.access_pending = True
            user.save(update_fields=["access_pending"])
        return changes
    if user.access_pending:
        changes["access_pending"] = [True, False]
    if role != user.role:
        changes["role"] = [user.role, role]
    user.role, user.access_pending = role, False
    user.save(update_fields=["role", "access_pending"])
    before = sorted(user.scope_units.values_list("code", flat=True))
    units = list(OrgUnit.objects.filter(code__in=codes))
    if before != sorted(u.code for u in units):
        user.scope_units.set(units)
        changes["scope_units"] = [before, sorted(u.code for u in units)]
    return changes


def _set_fields(user: User, fields: UserFields) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    renamed = fields.user_name.lower() != user.username.lower()
    if renamed and User.objects.filter(username__iexact=fields.user_name).exclude(pk=user.pk).exists():
        raise Conflict(
            _("A user named %(user_name)s already exists.") % {"user_name": repr(fields.user_name)},
            fields={"userName": _("Taken.")},
        )
    for attr, value in (
        ("username", fields.user_name),
        ("first_name", fields.given_name),
        ("last_name", fields.family_name),
        ("email", fields.email),
        ("external_id", fields.external_id),
    ):
        if getattr(user, attr) != value:
            changes[attr] = [getattr(user, attr), value]
            setattr(user, attr, value)
    if fields.active != user.is_active:
        changes["active"] = [user.is_active, fields.active]
        user.is_active = fields.active
        if not fields.active:
            changes["sessions_ended"] = end_sessions(user)
    return changes


@transaction.atomic
def scim_user_create(*, actor: Actor, data: Any) -> User:
    authorize(actor, "users.manage")
    fields = parse_user(data)
    if User.objects.filter(username__iexact=fields.user_name).exists():
        raise Conflict(
            _("A user named %(user_name)s already exists.") % {"user_name": repr(fields.user_name)},
            fields={"userName": _("Taken.")},
        )
    user = User(
        username=fields.user_name,
        first_name=fields.given_name,
        last_name=fields.family_name,
        email=fields.email,
        external_id=fields.external_id,
        is_active=fields.active,
        role=Role.ANALYST,
        access_pending=True,  # until a group of theirs maps to a role
    )
    user.set_unusable_password()  # signs in through the identity provider
    user.save()
    apply_groups(user)
    _ledger(
        actor,
        AccountsAction.SCIM_USER_CREATE,
        "user",
        user.pk,
        {"username": user.username, "external_id": user.external_id, "active": user.is_active},
    )
    return user


@transaction.atomic
def scim_user_replace(*, actor: Actor, user: User, data: Any) -> User:
    authorize(actor, "users.manage")
    changes = _set_fields(user, parse_user(data))
    user.save()
    if changes:
        _ledger(
            actor, AccountsAction.SCIM_USER_UPDATE, "user", user.pk, {"username": user.username, **changes}
        )
    return user


def _user_as_fields(user: User) -> dict[str, Any]:
    return {
        "userName": user.username,
        "name": {"givenName": user.first_name, "familyName": user.last_name},
        "emails": [{"value": user.email, "primary": True}] if user.email else [],
        "active": user.is_active,
        "externalId": user.external_id,
    }


def _patch_path(resource: dict[str, Any], path: str, value: Any, op: str) -> None:
    """Apply one operation to the resource as a plain dict (attribute paths as RFC 7644 3.5.2 spells them)."""
    head, _dot, tail = path.partition(".")
    key = next((k for k in resource if k.lower() == head.lower()), head)
    if tail:
        inner = resource.setdefault(key, {})
        if not isinstance(inner, dict):
            raise Invalid(_("Not a complex attribute."), fields={path: _("No such sub-attribute.")})
        _patch_path(inner, tail, value, op)
    elif op == "remove":
        resource.pop(key, None)
    else:
        resource[key] = value


def _operations(body: Any) -> list[tuple[str, str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise Invalid(_("Not a PatchOp."), fields={"Operations": _("Expected a list of operations.")})
    ops = []
    for item in body["Operations"]:
        if not isinstance(item, dict):
            raise Invalid(_("Not an operation."), fields={"Operations": _("Each operation is an object.")})
        op = str(item.get("op", "")).lower()
        if op not in {"add", "replace", "remove"}:
            raise Invalid(_("Unknown op."), fields={"op": _("Expected add, replace or remove.")})
        path = item.get("path")
        if path is not None and not isinstance(path, str):
            raise Invalid(_("Not a path."), fields={"path": _("Expected an attribute path.")})
        ops.append((op, path or "", item.get("value")))
    return ops


@transaction.atomic
def scim_user_patch(*, actor: Actor, user: User, body: Any) -> User:
    """PATCH: replace / add / remove of userName, name, emails, active, externalId (e.g. active=false)."""
    authorize(actor, "users.manage")
    resource = _user_as_fields(user)
    for op, path, value in _operations(body):
        if path:
            _patch_path(resource, path, value, op)
        elif isinstance(value, dict):
            for attr, attr_value in value.items():
                _patch_path(resource, attr, attr_value, op)
        else:
            raise Invalid(
                _("An operation without a path needs an object value."), fields={"value": _("Expected {}.")}
            )
    changes = _set_fields(user, parse_user(resource))
    user.save()
    if changes:
        _ledger(
            actor, AccountsAction.SCIM_USER_UPDATE, "user", user.pk, {"username": user.username, **changes}
        )
    return user


@transaction.atomic
def scim_user_deactivate(*, actor: Actor, user: User) -> None:
    """DELETE: the user is deactivated and signed out, not removed (what they recorded keeps its author)."""
    authorize(actor, "users.manage")
    ended = end_sessions(user)
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    summary = {"username": user.username, "was_active": was_active, "sessions_ended": ended}
    _ledger(actor, AccountsAction.SCIM_USER_DEACTIVATE, "user", user.pk, summary)


# --- groups ----------------------------------------------------------------------------------------


def _member_ids(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise Invalid(_("Not valid members."), fields={"members": _("Expected a list of {value}.")})
    ids = []
    for member in value:
        ref = str(member.get("value", ""))
        if not ref.isdigit() or not User.objects.filter(pk=int(ref)).exists():
            raise Invalid(
                _("Unknown member."), fields={"members": _("No user with id %(ref)s.") % {"ref": repr(ref)}}
            )
        ids.append(int(ref))
    return ids


def _set_members(group: ProvisionedGroup, ids: list[int]) -> dict[str, Any]:
    before = set(group.members.values_list("pk", flat=True))
    after = set(ids)
    group.members.set(ids)
    remapped = {}
    for user in User.objects.filter(pk__in=before ^ after):
        changes = apply_groups(user)
        if changes:
            remapped[user.username] = changes
    return {"added": sorted(after - before), "removed": sorted(before - after), "remapped": remapped}


def _remap_all(group: ProvisionedGroup) -> dict[str, Any]:
    remapped = {}
    for user in group.members.all():
        changes = apply_groups(user)
        if changes:
            remapped[user.username] = changes
    return remapped


def _display_name(data: dict[str, Any], group: ProvisionedGroup | None = None) -> str:
    name = _text(data.get("displayName"), "displayName", 255)
    if not name:
        raise Invalid(_("A displayName is required."), fields={"displayName": _("Required.")})
    taken = ProvisionedGroup.objects.filter(display_name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise Conflict(
            _("A group named %(name)s already exists.") % {"name": repr(name)},
            fields={"displayName": _("Taken.")},
        )
    return name


@transaction.atomic
def scim_group_create(*, actor: Actor, data: Any) -> ProvisionedGroup:
    authorize(actor, "users.manage")
    if not isinstance(data, dict):
        raise Invalid(_("The body must be a Group resource."), fields={"body": _("Expected a JSON object.")})
    group = ProvisionedGroup.objects.create(
        display_name=_display_name(data), external_id=_text(data.get("externalId"), "externalId", 255)
    )
    members = _set_members(group, _member_ids(data.get("members")))
    _ledger(
        actor, AccountsAction.SCIM_GROUP_CREATE, "group", group.pk, {"name": group.display_name, **members}
    )
    return group


@transaction.atomic
def scim_group_replace(*, actor: Actor, group: ProvisionedGroup, data: Any) -> ProvisionedGroup:
    authorize(actor, "users.manage")
    if not isinstance(data, dict):
        raise Invalid(_("The body must be a Group resource."), fields={"body": _("Expected a JSON object.")})
    old_name = group.display_name
    group.display_name = _display_name(data, group)
    group.external_id = _text(data.get("externalId"), "externalId", 255)
    group.updated_at = timezone.now()
    group.save()
    members = _set_members(group, _member_ids(data.get("members")))
    if old_name != group.display_name:
        members["remapped"].update(_remap_all(group))
    summary = {"name": [old_name, group.display_name], **members}
    _ledger(actor, AccountsAction.SCIM_GROUP_UPDATE, "group", group.pk, summary)
    return group


@transaction.atomic
def scim_group_patch(*, actor: Actor, group: ProvisionedGroup, body: Any) -> ProvisionedGroup:
    """PATCH: add / remove / replace members (also `members[value eq "id"]`), replace displayName."""
    authorize(actor, "users.manage")
    members = set(group.members.values_list("pk", flat=True))
    name = group.display_name
    for op, path, value in _operations(body):
        target = _MEMBER_FILTER.match(path)
        if target and op == "remove":
            members.discard(int(target.group(1)) if target.group(1).isdigit() else -1)
        elif path.lower() == "members" or (not path and isinstance(value, dict) and "members" in value):
            ids = _member_ids(value if path else value["members"])
            members = (
                set(ids) if op == "replace" else (members | set(ids) if op == "add" else members - set(ids))
            )
            if op == "remove" and value is None:
                members = set()
        elif path.lower() == "displayname" or (
            not path and isinstance(value, dict) and "displayName" in value
        ):
            name = _display_name({"displayName": value if path else value["displayName"]}, group)
        elif path.lower() != "externalid":
            raise Invalid(
                _("Unsupported path."),
                fields={"path": _("Cannot change %(path)s of a group.") % {"path": repr(path)}},
            )
    renamed = name != group.display_name
    summary: dict[str, Any] = {"name": [group.display_name, name]} if renamed else {"name": name}
    group.display_name, group.updated_at = name, timezone.now()
    group.save()
    changes = _set_members(group, sorted(members))
    if renamed:
        changes["remapped"].update(_remap_all(group))
    _ledger(actor, AccountsAction.SCIM_GROUP_UPDATE, "group", group.pk, {**summary, **changes})
    return group


@transaction.atomic
def scim_group_delete(*, actor: Actor, group: ProvisionedGroup) -> None:
    authorize(actor, "users.manage")
    users = list(group.members.all())
    pk, name = group.pk, group.display_name
    group.delete()
    remapped = {u.username: c for u in users if (c := apply_groups(u))}
    _ledger(actor, AccountsAction.SCIM_GROUP_DELETE, "group", pk, {"name": name, "remapped": remapped})


# --- reads ------------------------------------------------------------------------------------------


_FILTER = re.compile(r'^\s*(userName|externalId|displayName)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)


def parse_filter(text: str | None, allowed: set[str]) -> tuple[str, str] | None:
    """`userName eq "x"` (the filter identity providers send): (attribute, value); None for no filter."""
    if not text:
        return None
    match = _FILTER.match(text)
    if match is None or match.group(1).lower() not in {a.lower() for a in allowed}:
        raise Invalid(
            _("Unsupported filter."),
            fields={
                "filter": _('Use %(join_sorted_allowed)s eq "...".')
                % {"join_sorted_allowed": " or ".join(sorted(allowed))}
            },
        )
    return match.group(1).lower(), match.group(2).replace('\\"', '"')


def user_list(*, actor: Actor, filter_text: str | None = None) -> Any:
    require(actor, "users.manage")
    qs = User.objects.filter(is_service_account=False).exclude(role__in=PORTAL_ROLES)
    found = parse_filter(filter_text, {"userName", "externalId"})
    if found is not None:
        attr, value = found
        qs = qs.filter(username__iexact=value) if attr == "username" else qs.filter(external_id=value)
    return qs.prefetch_related("provisioned_groups").order_by("pk")


def group_list(*, actor: Actor, filter_text: str | None = None) -> Any:
    require(actor, "users.manage")
    qs = ProvisionedGroup.objects.all()
    found = parse_filter(filter_text, {"displayName", "externalId"})
    if found is not None:
        attr, value = found
        qs = qs.filter(display_name=value) if attr == "displayname" else qs.filter(external_id=value)
    return qs.prefetch_related("members").order_by("pk")


def get_user(*, actor: Actor, user_id: str) -> User:
    pk = int(user_id) if user_id.isdigit() and len(user_id) < 19 else None
    user = user_list(actor=actor).filter(pk=pk).first() if pk is not None else None
    if user is None:
        raise NotFound(_("No user %(user_id)s.") % {"user_id": repr(user_id)})
    return user


def get_group(*, actor: Actor, group_id: str) -> ProvisionedGroup:
    pk = int(group_id) if group_id.isdigit() and len(group_id) < 19 else None
    group = group_list(actor=actor).filter(pk=pk).first() if pk is not None else None
    if group is None:
        raise NotFound(_("No group %(group_id)s.") % {"group_id": repr(group_id)})
    return group
