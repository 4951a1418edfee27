"""The company's own controls and the requirements they serve."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.catalog.actions import LedgerAction
from conduct.apps.catalog.library import framework_library
from conduct.apps.catalog.models import (
    Control,
    ControlDimension,
    ControlRequirement,
)
from conduct.apps.catalog.services._common import text_field, unit_named, user_named
from conduct.apps.errors import Invalid


def _check_urns(urns: Any, errors: dict[str, str]) -> list[str]:
    if urns is None:
        return []
    if not isinstance(urns, list | tuple) or not all(isinstance(u, str) for u in urns):
        errors["requirements"] = _("Expected a list of requirement URNs.")
        return []
    lib = framework_library()
    unknown = [u for u in urns if lib.get(u.strip()) is None]
    if unknown:
        errors["requirements"] = _("Not in the framework library: %(urns)s.") % {
            "urns": ", ".join(unknown[:5])
        }
    return sorted({u.strip() for u in urns})


def _clean_control(
    actor: Actor, fields: dict[str, Any], errors: dict[str, str], *, creating: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating or "title" in fields:
        out["title"] = text_field(fields.get("title"), "title", errors, limit=200)
    if creating or "description" in fields:
        out["description"] = text_field(
            fields.get("description"), "description", errors, limit=5000, required=False
        )
    if creating or "dimension" in fields:
        dimension = fields.get("dimension")
        if dimension not in ControlDimension.values:
            errors["dimension"] = _("Expected one of %(v)s.") % {"v": ", ".join(ControlDimension.values)}
        out["dimension"] = dimension
    if creating or "org_unit" in fields:
        out["org_unit"] = unit_named(actor, fields.get("org_unit"), errors)
        if out["org_unit"] is None and "org_unit" not in errors:
            errors["org_unit"] = _("A control belongs to a unit: name it (its code or id).")
    if "owner" in fields:
        out["owner"] = user_named(fields["owner"], errors)
    if "is_active" in fields:
        out["is_active"] = bool(fields["is_active"])
    return out


@transaction.atomic
def control_create(
    *,
    actor: Actor,
    code: str,
    org_unit: OrgUnit | str | int | None,
    urns: list[str] | None = None,
    **fields: Any,
) -> Control:
    """title, dimension (required); description, owner; urns: the requirements the control serves. `org_unit`
    and `owner` may be given as rows or named (a unit's code or id the actor can see; a username or id)."""
    authorize(actor, "controls.manage")
    errors: dict[str, str] = {}
    code = text_field(code, "code", errors, limit=64).lower()
    if code and not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = _("Letters, digits, '-' and '_' only.")
    elif code and Control.objects.filter(code=code).exists():
        errors["code"] = _("A control %(code)r already exists.") % {"code": code}
    clean = _clean_control(actor, {**fields, "org_unit": org_unit}, errors, creating=True)
    wanted = _check_urns(urns, errors)
    if errors:
        raise Invalid(_("The control is not valid."), fields=errors)
    control = Control.objects.create(code=code, **clean)
    ControlRequirement.objects.bulk_create([ControlRequirement(control=control, urn=u) for u in wanted])
    ledger_append(
        actor=actor,
        action=LedgerAction.CONTROL_CREATE,
        object_type="control",
        object_id=control.pk,
        summary={"code": code, "title": control.title, "requirements": wanted},
    )
    return control


@transaction.atomic
def control_update(
    *, actor: Actor, control: Control, urns: list[str] | None = None, **fields: Any
) -> Control:
    """Change any of title, description, dimension, org_unit, owner, is_active; `urns` replaces the
    mapping."""
    authorize(actor, "controls.manage")
    errors: dict[str, str] = {}
    clean = _clean_control(actor, fields, errors, creating=False)
    wanted = _check_urns(urns, errors) if urns is not None else None
    if errors:
        raise Invalid(_("The control is not valid."), fields=errors)
    changes: dict[str, Any] = {}
    for key, value in clean.items():
        old = getattr(control, key)
        if old != value:
            changes[key] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(control, key, value)
    if wanted is not None:
        current = sorted(control.requirement_links.values_list("urn", flat=True))
        if current != wanted:
            control.requirement_links.exclude(urn__in=wanted).delete()
            ControlRequirement.objects.bulk_create(
                [ControlRequirement(control=control, urn=u) for u in wanted if u not in current]
            )
            changes["requirements"] = [current, wanted]
    if changes:
        control.updated_at = timezone.now()
        control.save()
        ledger_append(
            actor=actor,
            action=LedgerAction.CONTROL_UPDATE,
            object_type="control",
            object_id=control.pk,
            summary={"code": control.code, "changes": changes},
        )
    return control
