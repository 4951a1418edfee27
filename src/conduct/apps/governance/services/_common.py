"""Helpers the governance services share: links, seats, who manages a case, who gets told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import can, path_in_scope, unit_paths_many
from conduct.apps.errors import Forbidden, NotFound
from conduct.apps.governance.models import Case, CommitteeMember, HumanRight
from conduct.apps.governance.selectors import case_list

MAX_TEXT = 10_000


def case_link(case: Case) -> str:
    return reverse("case", args=[case.pk])


def recommendation_link(pk: int) -> str:
    return reverse("recommendation", args=[pk])


def seat(case: Case, user: User) -> CommitteeMember | None:
    if case.committee_id is None:
        return None
    return CommitteeMember.objects.filter(committee_id=case.committee_id, user=user).first()


def voting_seats(case: Case, today: date | None = None) -> list[CommitteeMember]:
    """The serving voting members of the case's committee (conflicts not yet taken out)."""
    if case.committee_id is None:
        return []
    day = today or timezone.localdate()
    members = CommitteeMember.objects.filter(
        committee_id=case.committee_id, user__is_active=True
    ).select_related("user")
    return [m for m in members if m.votes and m.serves_on(day)]


def conflicted_user_ids(case: Case) -> set[int]:
    return set(case.conflicts.values_list("user_id", flat=True))


def manages(actor: User, case: Case) -> bool:
    """Officers and administrators manage every case they can see; a chair or secretary manages their
    committee's."""
    if can(actor, "cases.manage"):
        return True
    member = seat(case, actor)
    return bool(
        member
        and can(actor, "cases.participate")
        and member.role in (CommitteeMember.Role.CHAIR, CommitteeMember.Role.SECRETARY)
    )


def require_visible(actor: User, case: Case) -> None:
    if not case_list(actor=actor).filter(pk=case.pk).exists():
        raise NotFound(_("No case %(pk)s that you can see.") % {"pk": case.pk})


def require_participant(actor: User, case: Case) -> None:
    require_visible(actor, case)
    if not can(actor, "cases.participate"):
        raise Forbidden(_("Your role may not do this (cases.participate)."), code="forbidden")


def unit_key(unit: OrgUnit | None) -> int | None:
    """How results per org unit are keyed: its id, None for no unit."""
    return unit.pk if unit is not None else None


def officers_for(unit: OrgUnit | None) -> list[User]:
    """Active compliance officers whose scope covers `unit`; every active officer when none does."""
    return officers_for_units([unit])[unit_key(unit)]


def officers_for_units(units: Iterable[OrgUnit | None]) -> dict[int | None, list[User]]:
    """`officers_for` each unit (keyed by unit id, None for no unit), reading the officers once."""
    wanted = {unit_key(u): u for u in units}
    if not wanted:
        return {}
    officers = list(User.objects.filter(role=Role.COMPLIANCE_OFFICER, is_active=True).order_by("pk"))
    paths = unit_paths_many(officers)
    result: dict[int | None, list[User]] = {}
    for key, unit in wanted.items():
        covering = [o for o in officers if path_in_scope(paths[o.pk], unit)] if unit is not None else []
        result[key] = covering or officers
    return result


def clean_text(
    value: str | None, field: str, errors: dict[str, str], *, required: bool = True, limit: int = MAX_TEXT
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
    return text


def clean_rights(rights: Iterable[str] | None, errors: dict[str, str]) -> list[str]:
    values = list(dict.fromkeys(rights or []))
    unknown = [r for r in values if r not in HumanRight.values]
    if unknown:
        errors["rights"] = _("Unknown right(s) %(map)s; expected some of %(values)s.") % {
            "map": ", ".join(map(str, unknown)),
            "values": ", ".join(HumanRight.values),
        }
    return values


def clean_conditions(
    conditions: Iterable[str] | None, errors: dict[str, str], field: str = "conditions"
) -> list[str]:
    items = [str(c).strip() for c in (conditions or [])]
    items = [c for c in items if c]
    if len(items) > 20:
        errors[field] = _("At most 20 conditions.")
    elif any(len(c) > 500 for c in items):
        errors[field] = _("Each condition is at most 500 characters.")
    return list(dict.fromkeys(items))
