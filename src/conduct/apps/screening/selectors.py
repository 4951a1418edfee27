"""Scoped reads of lists, parties and alerts, the ad-hoc search, and summaries other apps read.

Lists belong to the whole installation; parties and their alerts to the org unit that owns the party.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize, require, scoped
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.screening import dictionary, indexes
from conduct.apps.screening.indexes import ListedMatch
from conduct.apps.screening.models import (
    Alert,
    AlertReview,
    AlertStatus,
    DeltaRun,
    ListSource,
    ScreenedParty,
    WatchList,
    WatchListEntry,
    WatchListVersion,
)
from conduct.apps.screening.ownership import PartyOwnership, party_ownership
from conduct.apps.screening.values import clean_birth_date, clean_country, clean_entity_type, clean_name
from conduct.core.screening import Query, legal_form_table, load_dictionary, load_han_readings

MAX_ID = 2**63 - 1
MAX_LIMIT = 100
CHUNK = 500  # ids per IN (...) query


def _valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


# --- lists -------------------------------------------------------------------------------------------


def watchlist_list(*, actor: User) -> QuerySet[WatchList]:
    """The lists (pages, API): a role without `screening.view` is refused (403), as by every list and
    alert read below; the `*_get` reads answer 404 for a row out of the actor's units."""
    require(actor, "screening.view")
    return scoped(WatchList.objects.all(), actor, permission="screening.view", global_model=True)


def watchlist_get(*, actor: User, name: str) -> WatchList:
    found = watchlist_list(actor=actor).filter(name=name).first()
    if found is None:
        raise NotFound(_("No watch list %(name)s.") % {"name": repr(name)})
    return found


def version_list(*, actor: User, watch_list: WatchList) -> QuerySet[WatchListVersion]:
    require(actor, "screening.view")
    return scoped(
        WatchListVersion.objects.filter(watch_list=watch_list),
        actor,
        permission="screening.view",
        global_model=True,
    ).order_by("-number")


def delta_run_latest(*, actor: User, watch_list: WatchList) -> DeltaRun | None:
    """The list's latest delta screening of the stored parties (running or finished), or None."""
    require(actor, "screening.view")
    return DeltaRun.objects.filter(watch_list=watch_list).select_related("version").order_by("-id").first()


def delta_run_dict(run: DeltaRun | None) -> dict[str, Any] | None:
    """A delta run as the API gives it: which version, how far, what it changed."""
    if run is None:
        return None
    return {
        "run": run.pk,
        "version": run.version.number,
        "status": "abandoned" if run.abandoned else "finished" if run.finished_at else "running",
        "chunks": run.chunks,
        "chunks_done": len(run.done),
        "parties": run.parties,
        "entries_changed": None if run.full else len(run.changed),
        # of those, the entries changed in what screening reads: screened against every party (the others
        # only for the parties holding alerts on them)
        "entries_matching": None if run.full else len(run.matching_ids),
        "entries_removed": len(run.removed),
        "counts": run.counts,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def version_changes(
    *, version: WatchListVersion, change: str, limit: int = 200
) -> tuple[list[WatchListEntry], int]:
    """Entries a version added or changed (the first `limit`, and how many there are)."""
    qs = version.entries.filter(change=change).order_by("primary_name", "source_id")
    return list(qs[:limit]), qs.count()


# --- parties and alerts ------------------------------------------------------------------------------


def party_list(*, actor: User, search: str | None = None) -> QuerySet[ScreenedParty]:
    require(actor, "screening.view")
    qs = scoped(ScreenedParty.objects.all(), actor, permission="screening.view", unit_field="org_unit")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(reference__icontains=search))
    return (
        qs.select_related("org_unit")
        .order_by("name", "id")
        .annotate(
            open_alerts=Count("alerts", filter=Q(alerts__status=AlertStatus.OPEN)),
            confirmed_alerts=Count("alerts", filter=Q(alerts__status=AlertStatus.CONFIRMED)),
        )
    )


def party_get(*, actor: User, party_id: int) -> ScreenedParty:
    party = party_list(actor=actor).filter(pk=party_id).first() if _valid_id(party_id) else None
    if party is None:
        raise NotFound(_("No screened party %(party_id)s that you can see.") % {"party_id": party_id})
    return party


@dataclass(frozen=True)
class AlertFilters:
    status: str | None = None
    list_name: str | None = None
    strength: str | None = None
    kind: str | None = None  # party kind
    party: str | None = None  # name or reference contains


def alert_list(*, actor: User, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    require(actor, "screening.view")
    qs = scoped(Alert.objects.all(), actor, permission="screening.view", unit_field="party__org_unit")
    f = filters or AlertFilters()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.list_name:
        qs = qs.filter(watch_list__name=f.list_name)
    if f.strength:
        qs = qs.filter(strength=f.strength)
    if f.kind:
        qs = qs.filter(party__kind=f.kind)
    if f.party:
        qs = qs.filter(Q(party__name__icontains=f.party) | Q(party__reference__icontains=f.party))
    return qs.select_related("party", "party__org_unit", "watch_list", "entry_version", "reviewed_by")


def alert_get(*, actor: User, alert_id: int) -> Alert:
    alert = alert_list(actor=actor).filter(pk=alert_id).first() if _valid_id(alert_id) else None
    if alert is None:
        raise NotFound(_("No screening alert %(alert_id)s that you can see.") % {"alert_id": alert_id})
    return alert


def alert_history(*, alert: Alert) -> QuerySet[AlertReview]:
    return alert.reviews.select_related("actor", "entry_version").order_by("at", "id")


def alert_counts(*, actor: User) -> dict[str, int]:
    rows = alert_list(actor=actor).order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(AlertStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


# --- the ad-hoc search -------------------------------------------------------------------------------


def search_lists(*, actor: User) -> list[WatchList]:
    """The lists the search page names: the page needs `screening.search` (403 otherwise)."""
    require(actor, "screening.search")
    return list(scoped(WatchList.objects.all(), actor, permission="screening.view", global_model=True))


def screening_search(
    *,
    actor: Actor,
    name: str,
    entity_type: str | None = None,
    country: str | None = None,
    birth_date: str | None = None,
    limit: int = 10,
    threshold: float | None = None,
) -> list[ListedMatch]:
    """Ranked matches for one name across every current list (a read: nothing is stored)."""
    authorize(actor, "screening.search")
    errors: dict[str, str] = {}
    text = clean_name(name, errors)
    kind = clean_entity_type(entity_type, errors, "type")
    code = clean_country(country, errors)
    born = clean_birth_date(birth_date, errors)
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = _("Between 1 and %(max_limit)s.") % {"max_limit": MAX_LIMIT}
    if threshold is not None and not 0.0 < threshold <= 1.0:
        errors["threshold"] = _("Between 0 (exclusive) and 1.")
    if errors:
        raise Invalid(_("The search is not valid."), fields=errors)
    query = Query(text, entity_type=kind or None, country=code or None, birth_date=born or None)
    return indexes.search(indexes.current_lists(), query, threshold=threshold, limit=limit)


# --- what other apps read ----------------------------------------------------------------------------


def _alert_brief(alert: Alert) -> dict[str, Any]:
    return {
        "alert_id": alert.pk,
        "status": alert.status,
        "list": alert.watch_list.name,
        "list_title": alert.watch_list.title,
        "list_kind": alert.list_kind,
        "entry_id": alert.source_id,
        "entry_name": alert.entry_name,
        "matched_name": alert.matched_name,
        "party_name": alert.party_name,
        "score": round(alert.score, 4),
        "strength": alert.strength,
        "reviewed_at": alert.reviewed_at.isoformat() if alert.reviewed_at else None,
        "reason": alert.reason,
    }


def screening_summary_for(reference: str) -> dict[str, Any]:
    """Where screening stands for the party owned by `reference` ("supplier:12"): not scoped - for services.

    {"reference", "screened", "last_screened_at", "confirmed": [list kinds], "open_alerts", "dismissed",
     "alerts": [...open and confirmed alerts, best first]}"""
    party = ScreenedParty.objects.filter(reference=reference).first()
    if party is None:
        return {
            "reference": reference,
            "screened": False,
            "last_screened_at": None,
            "confirmed": [],
            "open_alerts": 0,
            "dismissed": 0,
            "alerts": [],
        }
    return _summary(party, list(party.alerts.select_related("watch_list").order_by("-score", "id")))


def _summary(party: ScreenedParty, alerts: list[Alert]) -> dict[str, Any]:
    live = [a for a in alerts if a.status in (AlertStatus.OPEN, AlertStatus.CONFIRMED)]
    return {
        "reference": party.reference,
        "party_id": party.pk,
        "screened": party.last_screened_at is not None,
        "last_screened_at": party.last_screened_at.isoformat() if party.last_screened_at else None,
        "confirmed": sorted({a.list_kind for a in alerts if a.status == AlertStatus.CONFIRMED}),
        "open_alerts": sum(1 for a in alerts if a.status == AlertStatus.OPEN),
        "dismissed": sum(1 for a in alerts if a.status == AlertStatus.DISMISSED),
        "alerts": [_alert_brief(a) for a in live],
    }


def party_confirmed_matches(reference: str) -> list[dict[str, Any]]:
    """The confirmed matches of the party owned by `reference` (a risk driver; gates see them too)."""
    alerts = Alert.objects.filter(party__reference=reference, status=AlertStatus.CONFIRMED)
    return [_alert_brief(a) for a in alerts.select_related("watch_list").order_by("-score", "id")]


def supplier_screening(supplier_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For the suppliers app's port: {supplier id: {"confirmed": [list kinds], "open_alerts", "results"}}
    for the suppliers registered as parties ("supplier:<id>"); suppliers never screened are left out."""
    wanted = {f"supplier:{int(i)}": int(i) for i in supplier_ids}
    if not wanted:
        return {}
    found: dict[int, dict[str, Any]] = {}
    references = list(wanted)
    parties: dict[int, ScreenedParty] = {}
    by_party: dict[int, list[Alert]]
    if len(references) > 5 * CHUNK:
        # A full recompute asks for (nearly) every supplier: two queries over the supplier parties beat
        # hundreds of chunked IN lists.
        parties = {
            p.pk: p
            for p in ScreenedParty.objects.filter(reference__startswith="supplier:")
            if p.reference in wanted
        }
        by_party = {pk: [] for pk in parties}
        alerts = Alert.objects.filter(party__reference__startswith="supplier:").select_related("watch_list")
        for alert in alerts.order_by("-score", "id"):
            if alert.party_id in by_party:
                by_party[alert.party_id].append(alert)
    else:
        for start in range(0, len(references), CHUNK):
            chunk = references[start : start + CHUNK]
            parties.update({p.pk: p for p in ScreenedParty.objects.filter(reference__in=chunk)})
        by_party = {pk: [] for pk in parties}
        party_ids = list(parties)
        for start in range(0, len(party_ids), CHUNK):
            alerts = Alert.objects.filter(party_id__in=party_ids[start : start + CHUNK]).select_related(
                "watch_list"
            )
            for alert in alerts.order_by("-score", "id"):
                by_party[alert.party_id].append(alert)
    for pk, party in parties.items():
        summary = _summary(party, by_party[pk])
        found[wanted[party.reference]] = {
            "confirmed": summary["confirmed"],
            "open_alerts": summary["open_alerts"],
            "results": summary["alerts"],
        }
    return found


# --- list sources and ownership ----------------------------------------------------------------------


def source_list(*, actor: User) -> list[ListSource]:
    """The configured list sources (global, like the lists): `screening.view`."""
    require(actor, "screening.view")
    return list(ListSource.objects.select_related("last_good_version").order_by("name"))


def source_get(*, actor: User, name: str) -> ListSource:
    require(actor, "screening.view")
    found = ListSource.objects.select_related("last_good_version").filter(name=name).first()
    if found is None:
        raise NotFound(_("No list source %(name)s.") % {"name": repr(name)})
    return found


def party_ownership_for(*, actor: User, party_id: int) -> tuple[ScreenedParty, PartyOwnership]:
    """A party in the actor's scope (403 without `screening.view`, 404 out of scope) and its ownership."""
    party = party_get(actor=actor, party_id=party_id)
    return party, party_ownership(party)


def preload() -> int:
    """Load what screening needs before a first request: the current lists' indexes (their artefacts, built
    in a child process where missing, then mapped), the engine's legal-form table, pypinyin's readings and
    the name dictionary (its file, built in a child process when it is missing; rigour's own when the file
    cannot be built). `conduct serve` calls it once before gunicorn forks its workers, so that
    they share one copy instead of each loading its own. Returns the names indexed."""
    dictionary.ensure()
    indexes.build_missing()  # in a child: this process then maps them, as its forks will share
    lists = indexes.current_lists()
    legal_form_table()
    load_dictionary()
    load_han_readings()
    for current in lists:
        current.index.warm_up()  # here once, not in each worker on its first screening
    return sum(len(current.index) for current in lists)
