"""Scoped reads of suppliers and everything hanging off them. Staff see their org units' suppliers; a
supplier's portal users see their own organisation's records only; everyone else sees nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import scoped
from conduct.apps.errors import NotFound
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.conf import expiry_window_days
from conduct.apps.suppliers.models import (
    CATEGORY_SEPARATOR,
    OPEN_ACTION_STATUSES,
    Certificate,
    CorrectiveAction,
    Supplier,
    SupplierContact,
    SupplierRelation,
    SupplierRisk,
    SupplierSite,
)
from conduct.apps.suppliers.permissions import read_permission
from conduct.apps.suppliers.services.risk import gather

CERTIFICATE_FILTERS = ("valid", "expiring", "expired", "withdrawn", "none")
SUPPLIER_SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "risk": ("risk_score", "id"),
    "-risk": ("-risk_score", "-id"),
    "country": ("country", "name", "id"),
    "-country": ("-country", "-name", "-id"),
    "tier": ("tier", "name", "id"),
    "-tier": ("-tier", "-name", "-id"),
    "status": ("status", "name", "id"),
    "-status": ("-status", "-name", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def scope(qs: QuerySet[Any], actor: User, prefix: str = "") -> QuerySet[Any]:
    return scoped(
        qs,
        actor,
        permission=read_permission(actor),
        unit_field=f"{prefix}org_unit",
        portal_field=f"{prefix}portal_org",
    )


def today_window() -> tuple[date, date]:
    today = timezone.localdate()
    return today, today + timedelta(days=expiry_window_days())


def certificate_status_q(status: str, prefix: str = "") -> Q:
    """Rows of Certificate (prefix "") in a status, by today's date and the expiry window."""
    today, edge = today_window()
    p = prefix
    live = Q(**{f"{p}withdrawn_at__isnull": True})
    started = Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__lte": today})
    if status == "withdrawn":
        return Q(**{f"{p}withdrawn_at__isnull": False})
    if status == "expired":
        return live & Q(**{f"{p}valid_until__lt": today})
    if status == "expiring":
        return live & started & Q(**{f"{p}valid_until__gte": today, f"{p}valid_until__lte": edge})
    if status == "valid":
        return live & started & Q(**{f"{p}valid_until__gt": edge})
    if status == "current":  # valid or expiring: in force today
        return live & started & Q(**{f"{p}valid_until__gte": today})
    if status == "not_yet_valid":
        return live & Q(**{f"{p}valid_from__gt": today})
    raise ValueError(status)


# --- suppliers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierFilters:
    q: str | None = None
    risk_band: str | None = None
    country: str | None = None
    category: str | None = None
    certificate_status: str | None = None
    tier: int | None = None
    status: str | None = None
    org_unit: int | None = None
    overdue_actions: bool = False


def _category_q(category: str) -> Q:
    s = CATEGORY_SEPARATOR
    return (
        Q(categories=category)
        | Q(categories__startswith=category + s)
        | Q(categories__endswith=s + category)
        | Q(categories__contains=s + category + s)
    )


def supplier_list(
    *, actor: User, filters: SupplierFilters | None = None, sort: str = "name"
) -> QuerySet[Supplier]:
    qs = scope(Supplier.objects.all(), actor)
    f = filters or SupplierFilters()
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(external_id=f.q) | Q(registration_id=f.q))
    if f.risk_band:
        qs = qs.filter(risk_band=f.risk_band)
    if f.country:
        qs = qs.filter(country=f.country.upper())
    if f.category:
        qs = qs.filter(_category_q(f.category))
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.org_unit:
        qs = qs.filter(org_unit_id=f.org_unit)
    if f.certificate_status:
        qs = qs.filter(supplier_certificate_q(f.certificate_status))
    if f.overdue_actions:
        overdue = CorrectiveAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate()
        )
        qs = qs.filter(pk__in=overdue.values("supplier_id"))
    return qs.select_related("org_unit").order_by(*SUPPLIER_SORTS.get(sort, SUPPLIER_SORTS["name"]))


def supplier_certificate_q(status: str) -> Q:
    """Suppliers holding a certificate in `status`; "expired" means expired and not renewed (no later
    certificate of the same standard), "none" means holding no valid or expiring certificate at all.
    Correlated EXISTS on the supplier's own certificates (a covering index): the list walks suppliers in
    its order and stops at a page."""
    mine = Certificate.objects.filter(supplier=OuterRef("pk"))
    if status == "none":
        return ~Exists(mine.filter(certificate_status_q("current")))
    if status == "expired":
        renewed = Certificate.objects.filter(
            supplier=OuterRef("supplier"),
            standard=OuterRef("standard"),
            valid_until__gt=OuterRef("valid_until"),
            withdrawn_at__isnull=True,
        )
        return Exists(mine.filter(certificate_status_q("expired")).exclude(Exists(renewed)))
    if status == "expiring":  # a narrow band of dates: the list of its suppliers is short, read it once
        return Q(pk__in=Certificate.objects.filter(certificate_status_q("expiring")).values("supplier_id"))
    return Exists(mine.filter(certificate_status_q(status)))


def supplier_get(*, actor: User, supplier_id: int) -> Supplier:
    supplier = (
        scope(Supplier.objects.all(), actor)
        .select_related("org_unit", "portal_org", "parent_company", "onboarding_decision")
        .filter(pk=supplier_id)
        .first()
    )
    if supplier is None:
        raise NotFound(_("No supplier %(supplier_id)s that you can see.") % {"supplier_id": supplier_id})
    return supplier


def visible_supplier_ids(*, actor: User, ids: set[int]) -> set[int]:
    found: set[int] = set()
    for batch in supplier_graph.chunks(sorted(ids)):
        found.update(scope(Supplier.objects.filter(pk__in=batch), actor).values_list("pk", flat=True))
    return found


def supplier_names(ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for batch in supplier_graph.chunks(sorted(ids)):
        names.update(Supplier.objects.filter(pk__in=batch).values_list("pk", "name"))
    return names


def risk_explained(*, actor: User, supplier: Supplier) -> dict[str, Any] | None:
    """The stored risk with each upstream driver's source named, when the actor may see that sub-supplier."""
    risk = SupplierRisk.objects.filter(supplier=supplier).first()
    if risk is None:
        return None
    stored = risk.driver_list
    sources = {d["value"] for d in stored if d["name"] == "upstream" and isinstance(d["value"], int)}
    visible = visible_supplier_ids(actor=actor, ids=sources)
    names = supplier_names(visible)
    drivers = []
    for driver in stored:
        item = dict(driver)
        if driver["name"] == "upstream":
            sid = driver["value"]
            if sid in visible:
                item["source"] = {"id": sid, "name": names.get(sid)}
                item["detail"] = str(driver["detail"]).replace(
                    f"sub-supplier {sid} ", f"sub-supplier {names.get(sid)} ", 1
                )
            else:
                item["source"] = {"id": None, "name": None}
                item["value"] = None
                item["detail"] = (
                    "a sub-supplier outside your scope: " + str(driver["detail"]).split(": ", 1)[-1]
                )
        drivers.append(item)
    return {
        "supplier_id": supplier.pk,
        "score": risk.score,
        "band": risk.band,
        "computed_at": risk.computed_at,
        "drivers": drivers,
        "facts": _facts(supplier),
        "propagating_points": risk.propagating_points,
    }


def _facts(supplier: Supplier) -> dict[str, Any]:
    return gather({supplier.pk}, timezone.localdate(), with_facts=True)[1].get(supplier.pk, {})


@dataclass(frozen=True)
class GraphNode:
    id: int
    name: str | None  # None: outside the actor's scope
    depth: int
    via: int
    country: str = ""
    risk_band: str = ""
    designated_region: str = ""


def supplier_tree(*, actor: User, supplier: Supplier, max_nodes: int = 300) -> dict[str, Any]:
    """The sub-supplier graph below a supplier (breadth-first, nearest first), and its direct buyers.
    Suppliers the actor may not see are shown without their names."""
    nodes, edges = supplier_graph.below([supplier.pk])
    distance = {supplier.pk: 0}
    parent: dict[int, int] = {}
    order: list[int] = []
    frontier = [supplier.pk]
    while frontier and len(order) < max_nodes:
        nxt = []
        for node in frontier:
            for sub in edges.get(node, ()):
                if sub not in distance:
                    distance[sub] = distance[node] + 1
                    parent[sub] = node
                    order.append(sub)
                    nxt.append(sub)
        frontier = nxt
    shown = order[:max_nodes]
    visible = visible_supplier_ids(actor=actor, ids=set(shown))
    details = {
        row["pk"]: row
        for row in Supplier.objects.filter(pk__in=list(visible)).values(
            "pk", "name", "country", "risk_band", "designated_region"
        )
    }
    tree = [
        GraphNode(
            id=n,
            name=details[n]["name"] if n in visible else None,
            depth=distance[n],
            via=parent[n],
            country=details[n]["country"] if n in visible else "",
            risk_band=details[n]["risk_band"] if n in visible else "",
            designated_region=details[n]["designated_region"] if n in visible else "",
        )
        for n in shown
    ]
    edge_list = [(b, s) for b, subs in edges.items() for s in subs]
    buyers = scope(Supplier.objects.filter(sub_relations__supplier=supplier), actor).only(
        "pk", "name", "tier"
    )
    return {
        "nodes": tree,
        "edges": edge_list,
        "total_below": len(nodes) - 1,
        "truncated": len(order) > len(shown) or len(nodes) - 1 > len(shown),
        "buyers": list(buyers),
        "hidden": sum(1 for n in shown if n not in visible),
    }


def site_get(*, actor: User, site_id: int) -> SupplierSite:
    site = (
        scope(SupplierSite.objects.select_related("supplier__org_unit"), actor, "supplier__")
        .filter(pk=site_id)
        .first()
    )
    if site is None:
        raise NotFound(_("No site %(site_id)s that you can see.") % {"site_id": site_id})
    return site


def contact_get(*, actor: User, contact_id: int) -> SupplierContact:
    contact = (
        scope(SupplierContact.objects.select_related("supplier__org_unit"), actor, "supplier__")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise NotFound(_("No contact %(contact_id)s that you can see.") % {"contact_id": contact_id})
    return contact


def relation_get(*, actor: User, buyer: Supplier, supplier_id: int) -> SupplierRelation:
    if not 0 < supplier_id < 2**63:  # beyond any id the database can hold
        raise NotFound(
            _("%(name)s has no sub-supplier %(supplier_id)s.")
            % {"name": buyer.name, "supplier_id": supplier_id}
        )
    relation = (
        SupplierRelation.objects.select_related("buyer__org_unit", "supplier")
        .filter(buyer=buyer, supplier_id=supplier_id)
        .first()
    )
    if relation is None or not visible_supplier_ids(actor=actor, ids={supplier_id}):
        raise NotFound(
            _("%(name)s has no sub-supplier %(supplier_id)s that you can see.")
            % {"name": buyer.name, "supplier_id": supplier_id}
        )
    return relation


# --- certificates ---------------------------------------------------------------------------------
