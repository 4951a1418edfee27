"""Ownership and control as screening reads it: the stored relations above a party or a screened name, the
persons on a sanctions list (or parties confirmed as such), and the OFAC 50 % rule (conduct.core) over them.

Blocked persons are the entries of the current sanctions lists (a relation names one by its source id, bare
or as "<list name>:<source id>") and the stored parties with a confirmed match on a sanctions list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from conduct.apps.screening.models import (
    Alert,
    AlertStatus,
    EntityRelation,
    ScreenedParty,
    WatchListEntry,
)
from conduct.apps.screening.values import fold_name
from conduct.core.policy import OwnerLink, OwnershipFact, ScreenedName
from conduct.core.screening import Holder, OwnershipFinding, Relation, ownership_decide

BLOCKED_KINDS = ("sanctions",)  # lists whose persons are "blocked persons" for the 50 % rule
TARGET = "@target"
MAX_DEPTH = 12  # levels of owners read above a party


@dataclass(frozen=True)
class PartyOwnership:
    """A party's owners and holdings (the stored relations, with names), and what the rule decides."""

    finding: OwnershipFinding
    owners: list[EntityRelation]
    owned: list[EntityRelation]
    names: dict[str, str]
    blocked: set[str]

    @property
    def summary(self) -> str:
        return self.finding.summary(self.names)


def _ancestors(refs: set[str]) -> list[EntityRelation]:
    found: dict[int, EntityRelation] = {}
    frontier, seen = set(refs), set(refs)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        rows = list(EntityRelation.objects.filter(owned_ref__in=frontier))
        found.update((r.pk, r) for r in rows)
        frontier = {r.owner_ref for r in rows} - seen
        seen |= frontier
    return list(found.values())


def blocked_refs(refs: Iterable[str]) -> set[str]:
    """Which of these ids name a blocked person: a current sanctions entry, or a party confirmed as one."""
    refs = set(refs)
    if not refs:
        return set()
    bare = {ref.split(":", 1)[-1] for ref in refs} | refs
    blocked = set()
    entries = WatchListEntry.objects.filter(
        version__is_current=True, list_kind__in=BLOCKED_KINDS, source_id__in=bare
    ).values_list("version__watch_list__name", "source_id")
    for list_name, sid in entries:
        blocked |= {ref for ref in refs if ref in (sid, f"{list_name}:{sid}")}
    blocked |= set(
        Alert.objects.filter(
            party__reference__in=refs, status=AlertStatus.CONFIRMED, list_kind__in=BLOCKED_KINDS
        ).values_list("party__reference", flat=True)
    )
    return blocked


def _decide(refs: set[str]) -> tuple[OwnershipFinding, list[EntityRelation], dict[str, str], set[str]]:
    rows = _ancestors(refs)
    names = {r.owner_ref: r.owner_name for r in rows if r.owner_name}
    names.update((r.owned_ref, r.owned_name) for r in rows if r.owned_name)
    owners = {r.owner_ref for r in rows}
    blocked = blocked_refs(owners)
    relations = [
        Relation(
            TARGET if r.owner_ref in refs else r.owner_ref,
            TARGET if r.owned_ref in refs else r.owned_ref,
            r.relation,
            r.share,
            r.source,
        )
        for r in rows
    ]
    return ownership_decide(TARGET, relations, blocked), rows, names, blocked


def party_ownership(party: ScreenedParty) -> PartyOwnership:
    """The party's owners and holdings (by its reference, or its name where a source gave no reference)."""
    keys = {fold_name(n) for n in party.names} - {""}
    refs = {party.reference} | set(
        EntityRelation.objects.filter(owned_key__in=keys).values_list("owned_ref", flat=True)
    )
    finding, rows, names, blocked = _decide(refs)
    owners = sorted((r for r in rows if r.owned_ref in refs), key=lambda r: (-(r.share or 0), r.owner_ref))
    owned = list(EntityRelation.objects.filter(owner_ref__in=refs).order_by("-share", "owned_ref"))
    names.update((r.owned_ref, r.owned_name) for r in owned if r.owned_name)
    blocked |= blocked_refs(r.owned_ref for r in owned)
    return PartyOwnership(finding, owners, owned, names, blocked)


def _link(holder: Holder, names: dict[str, str]) -> OwnerLink:
    return OwnerLink(
        name=names.get(holder.owner) or holder.owner,
        share=holder.share,
        relation=holder.relation,
        listed=holder.listed,
        through="; ".join(h.describe(names) for h in holder.through),
    )


def ownership_fact(finding: OwnershipFinding, names: dict[str, str]) -> OwnershipFact:
    holders = list(finding.owners) + [h for h in finding.controllers if h not in finding.owners]
    return OwnershipFact(finding.status, finding.blocked_share, tuple(_link(h, names) for h in holders))


def names_ownership(names: Sequence[ScreenedName]) -> list[OwnershipFact | None]:
    """For each name a gate screens: where it stands under the 50 % rule, found through the stored parties
    of that name and the relations naming it; None when no relation names it."""
    found: list[OwnershipFact | None] = [None] * len(names)
    if not names or not EntityRelation.objects.exists():
        return found
    for index, item in enumerate(names):
        text = " ".join((item.name or "").split())
        key = fold_name(text)
        if not key:
            continue
        refs = set(EntityRelation.objects.filter(owned_key=key).values_list("owned_ref", flat=True)) | set(
            ScreenedParty.objects.filter(Q(name__iexact=text)).values_list("reference", flat=True)
        )
        if not refs or not EntityRelation.objects.filter(owned_ref__in=refs).exists():
            continue
        finding, _, known, _ = _decide(refs)
        found[index] = ownership_fact(finding, known)
    return found
