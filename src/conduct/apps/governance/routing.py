"""Where recommendations for an org unit go: its liaisons, else those of its nearest ancestor that has any.
A read shared by the services (routing a new item) and the selectors (the liaison network)."""

from __future__ import annotations

from conduct.apps.accounts.models import Liaison, OrgUnit, User


def route(unit: OrgUnit) -> tuple[OrgUnit | None, list[User]]:
    """The liaisons an item for `unit` goes to: the unit's own, else those of the nearest ancestor that has
    any."""
    chain = list(reversed(unit.ancestor_ids)) or [unit.pk]
    liaisons = Liaison.objects.filter(org_unit_id__in=chain, user__is_active=True).select_related(
        "user", "org_unit"
    )
    by_unit: dict[int, list[Liaison]] = {}
    for liaison in liaisons:
        by_unit.setdefault(liaison.org_unit_id, []).append(liaison)
    for unit_id in chain:
        if by_unit.get(unit_id):
            found = by_unit[unit_id]
            return found[0].org_unit, [liaison.user for liaison in found]
    return None, []
