"""Writes for committees, their decision rules and their membership. Each is audited."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import SYSTEM, Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, raise_if
from conduct.apps.governance.actions import GovernanceAction
from conduct.apps.governance.models import Committee, CommitteeMember

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_UNSET: Any = object()


def _check_rule(errors: dict[str, str], quorum_ratio: Any, majority: Any) -> Decimal | None:
    ratio = None
    if quorum_ratio is not None:
        try:
            ratio = Decimal(str(quorum_ratio)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["quorum_ratio"] = _("Expected a number between 0.01 and 1.")
        else:
            if not Decimal("0.01") <= ratio <= Decimal("1"):
                errors["quorum_ratio"] = _("Expected a number between 0.01 and 1.")
    if majority is not None and majority not in Committee.Majority.values:
        errors["majority"] = _("Expected one of %(values)s.") % {
            "values": ", ".join(Committee.Majority.values)
        }
    return ratio


@transaction.atomic
def committee_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    mandate: str,
    description: str = "",
    quorum_ratio: Any = "0.50",
    majority: str = str(Committee.Majority.SIMPLE),
    chair_breaks_ties: bool = True,
) -> Committee:
    actor = actor or SYSTEM  # a caller not yet passing a SystemActor: the ledger names it "system", as before
    authorize(actor, "committees.manage")
    errors: dict[str, str] = {}
    if not _SLUG.match(slug or ""):
        errors["slug"] = _("Use lower-case letters, digits and hyphens.")
    if not (name or "").strip():
        errors["name"] = _("A name is required.")
    if mandate not in Committee.Mandate.values:
        errors["mandate"] = _("Expected decides or advises.")
    ratio = _check_rule(errors, quorum_ratio, majority)
    raise_if(errors, _("The committee is not valid."))
    if Committee.objects.filter(slug=slug).exists():
        raise Conflict(
            _("A committee %(slug)s already exists.") % {"slug": repr(slug)},
            fields={"slug": _("Already in use.")},
        )
    committee = Committee.objects.create(
        slug=slug,
        name=name.strip(),
        mandate=mandate,
        description=description,
        quorum_ratio=ratio,
        majority=majority,
        chair_breaks_ties=chair_breaks_ties,
    )
    ledger_append(
        actor=actor,
        action=GovernanceAction.COMMITTEE_CREATE,
        object_type="committee",
        object_id=committee.pk,
        summary={
            "slug": slug,
            "name": committee.name,
            "mandate": mandate,
            "quorum_ratio": str(ratio),
            "majority": majority,
            "chair_breaks_ties": chair_breaks_ties,
        },
    )
    return committee


@transaction.atomic
def committee_update(
    *,
    actor: Actor,
    committee: Committee,
    name: str | None = None,
    description: str | None = None,
    quorum_ratio: Any = None,
    majority: str | None = None,
    chair_breaks_ties: bool | None = None,
) -> Committee:
    """Change a committee's name, description or decision rule. Decisions already made stand."""
    actor = actor or SYSTEM  # a caller not yet passing a SystemActor: the ledger names it "system", as before
    authorize(actor, "committees.manage")
    errors: dict[str, str] = {}
    if name is not None and not name.strip():
        errors["name"] = _("A name is required.")
    ratio = _check_rule(errors, quorum_ratio, majority)
    raise_if(errors, _("The committee is not valid."))
    changes: dict[str, Any] = {}
    for field, value in (
        ("name", name.strip() if name is not None else None),
        ("description", description),
        ("quorum_ratio", ratio),
        ("majority", majority),
        ("chair_breaks_ties", chair_breaks_ties),
    ):
        if value is not None and getattr(committee, field) != value:
            changes[field] = value
            setattr(committee, field, value)
    if changes:
        committee.save(update_fields=list(changes))
        ledger_append(
            actor=actor,
            action=GovernanceAction.COMMITTEE_UPDATE,
            object_type="committee",
            object_id=committee.pk,
            summary={k: str(v) if isinstance(v, Decimal) else v for k, v in changes.items()},
        )
    return committee


@transaction.atomic
def committee_member_add(
    *,
    actor: Actor,
    committee: Committee,
    user: User,
    role: str = str(CommitteeMember.Role.MEMBER),
    term_start: date | None = None,
    term_end: date | None = None,
) -> CommitteeMember:
    actor = actor or SYSTEM  # a caller not yet passing a SystemActor: the ledger names it "system", as before
    authorize(actor, "committees.manage")
    if role not in CommitteeMember.Role.values:
        raise Invalid(
            _("Unknown committee role."),
            fields={
                "role": _("Expected one of %(values)s.") % {"values": ", ".join(CommitteeMember.Role.values)}
            },
        )
    if user.is_portal:
        raise Invalid(
            _("Portal users cannot sit on a committee."), fields={"user": _("Not an internal user.")}
        )
    if term_start and term_end and term_end < term_start:
        raise Invalid(
            _("The term ends before it starts."), fields={"term_end": _("Must be on or after term_start.")}
        )
    if CommitteeMember.objects.filter(committee=committee, user=user).exists():
        raise Conflict(
            _("%(username)s already sits on %(name)s.") % {"username": user.username, "name": committee.name},
            fields={"user": _("Already a member.")},
        )
    if (
        role == CommitteeMember.Role.CHAIR
        and committee.members.filter(role=CommitteeMember.Role.CHAIR).exists()
    ):
        raise Conflict(
            _("%(name)s already has a chair.") % {"name": committee.name},
            fields={"role": _("Only one chair per committee.")},
        )
    member = CommitteeMember.objects.create(
        committee=committee,
        user=user,
        role=role,
        **({"term_start": term_start} if term_start else {}),
        term_end=term_end,
    )
    ledger_append(
        actor=actor,
        action=GovernanceAction.COMMITTEE_MEMBER_ADD,
        object_type="committee",
        object_id=committee.pk,
        summary={"user": user.username, "role": role, "term_start": member.term_start, "term_end": term_end},
    )
    return member


@transaction.atomic
def committee_member_update(
    *,
    actor: Actor,
    member: CommitteeMember,
    role: str | None = None,
    term_end: Any = _UNSET,
) -> CommitteeMember:
    """Change a member's role or end their term (a member leaves by their term ending: the record stays)."""
    actor = actor or SYSTEM  # a caller not yet passing a SystemActor: the ledger names it "system", as before
    authorize(actor, "committees.manage")
    errors: dict[str, str] = {}
    if role is not None and role not in CommitteeMember.Role.values:
        errors["role"] = _("Expected one of %(values)s.") % {"values": ", ".join(CommitteeMember.Role.values)}
    if term_end is not _UNSET and term_end is not None and term_end < member.term_start:
        errors["term_end"] = _("Must be on or after the term start (%(term_start)s).") % {
            "term_start": member.term_start
        }
    raise_if(errors, _("The membership change is not valid."))
    if (
        role == CommitteeMember.Role.CHAIR
        and member.role != role
        and member.committee.members.filter(role=CommitteeMember.Role.CHAIR).exclude(pk=member.pk).exists()
    ):
        raise Conflict(
            _("%(name)s already has a chair.") % {"name": member.committee.name},
            fields={"role": _("Only one chair per committee.")},
        )
    changes: dict[str, Any] = {}
    if role is not None and role != member.role:
        changes["role"] = member.role = role
    if term_end is not _UNSET and term_end != member.term_end:
        changes["term_end"] = member.term_end = term_end
    if changes:
        member.save(update_fields=list(changes))
        ledger_append(
            actor=actor,
            action=GovernanceAction.COMMITTEE_MEMBER_UPDATE,
            object_type="committee",
            object_id=member.committee_id,
            summary={"user": member.user.username, **changes},
        )
    return member
