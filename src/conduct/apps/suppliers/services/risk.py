"""Supplier risk: gather each supplier's facts, let conduct.core.risk score them (own drivers, then what flows
up from sub-suppliers), and store score, band and drivers.

`risk_refresh(ids)` rescores the changed suppliers and every buyer above them (core.risk.affected_buyers), and
is called by every service that changes a fact the model reads. `risk_recompute_all` rescores everyone (daily,
after an import, and from `conduct suppliers risk`).
"""

from __future__ import annotations

import json
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.audit.services import ledger_append
from conduct.apps.suppliers import bulk, screening_port
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.conf import expiry_window_days
from conduct.apps.suppliers.models import (
    CATEGORY_SEPARATOR,
    Certificate,
    Finding,
    QuestionnaireResponse,
    ResponseStatus,
    Supplier,
    SupplierRisk,
    SupplierSite,
)
from conduct.apps.suppliers.reference import country_risk
from conduct.core import risk as core_risk

CREDITED = frozenset(core_risk.DEFAULT_WEIGHTS.certificate_credits)
_LOAD_ALL_ABOVE = 20000  # beyond this many ids, reading whole tables beats IN (...) lists


@dataclass(frozen=True)
class RecomputeSummary:
    suppliers: int
    seconds: float
    bands: dict[str, int]
    phases: dict[str, float]  # seconds spent gathering facts, scoring, storing


def _filtered(qs: Any, field: str, ids: set[int] | None) -> Iterable[Any]:
    if ids is None or len(ids) > _LOAD_ALL_ABOVE:
        for row in qs.iterator(chunk_size=20000):
            if ids is None or row[0] in ids:
                yield row
        return
    for batch in supplier_graph.chunks(ids):
        yield from qs.filter(**{f"{field}__in": batch})


def _raw(qs: Any, field: str, ids: set[int] | None) -> Iterable[tuple[Any, ...]]:
    """Like _filtered, but the rows straight from the driver (no field converters): for the big tables."""
    from django.db import connection

    if ids is not None and len(ids) <= _LOAD_ALL_ABOVE:
        yield from _filtered(qs, field, ids)
        return
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            for row in rows:
                if ids is None or row[0] in ids:
                    yield row


def gather(
    ids: set[int] | None, today: date, *, with_facts: bool = False
) -> tuple[dict[int, core_risk.SupplierRiskInputs], dict[int, dict[str, Any]]]:
    """The model's inputs for `ids` (None: every supplier), and with_facts the facts behind them as plain data."""
    window = expiry_window_days()
    designated: dict[int, str] = {}
    categories: dict[int, frozenset[str]] = {}
    countries: dict[int, str] = {}
    category_sets: dict[str, frozenset[str]] = {"": frozenset()}  # few distinct combinations: build each once
    for sid, country, cats, region in _raw(
        Supplier.objects.order_by().values_list("id", "country", "categories", "designated_region"), "id", ids
    ):
        countries[sid] = country
        found = category_sets.get(cats)
        if found is None:
            found = category_sets[cats] = frozenset(cats.split(CATEGORY_SEPARATOR))
        categories[sid] = found
        if region:
            designated[sid] = region
    for sid, region in _filtered(
        SupplierSite.objects.exclude(designated_region="").order_by().values_list("supplier_id", "designated_region"),
        "supplier_id", ids,
    ):
        designated.setdefault(sid, region)

    # The latest expiry per (supplier, credited standard) among certificates valid today. Read raw: dates come
    # back as ISO text on SQLite (compared as text, converted once) and as dates on PostgreSQL.
    best: dict[int, dict[str, Any]] = defaultdict(dict)
    certs = Certificate.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        withdrawn_at__isnull=True, valid_until__gte=today, standard__in=CREDITED,
    ).order_by().values_list("supplier_id", "standard", "valid_until")
    for sid, standard, until in _raw(certs, "supplier_id", ids):
        held = best[sid]
        if standard not in held or until > held[standard]:
            held[standard] = until
    for held in best.values():
        for standard, until in held.items():
            if isinstance(until, str):
                held[standard] = date.fromisoformat(until[:10])

    findings: dict[int, dict[str, int]] = defaultdict(dict)
    open_findings = (
        Finding.objects.filter(is_open=True).values("supplier_id", "severity").annotate(n=Count("id"))
        .values_list("supplier_id", "severity", "n").order_by()
    )
    for sid, severity, n in _filtered(open_findings, "supplier_id", ids):
        findings[sid][severity] = n

    # Accepted answers count; submitted ones (awaiting review) count until an accepted one exists.
    questionnaire: dict[int, tuple[int, float, int, str]] = {}
    responses = QuestionnaireResponse.objects.filter(
        status__in=[ResponseStatus.ACCEPTED, ResponseStatus.SUBMITTED], score__isnull=False
    ).order_by().values_list("supplier_id", "status", "score", "id")
    for sid, status, score, rid in _filtered(responses, "supplier_id", ids):
        rank = 2 if status == ResponseStatus.ACCEPTED else 1
        held_q = questionnaire.get(sid)
        if held_q is None or (rank, rid) > (held_q[0], held_q[2]):
            questionnaire[sid] = (rank, score, rid, status)

    screening = screening_port.screening_for(countries) if screening_port.available() else None

    inputs: dict[int, core_risk.SupplierRiskInputs] = {}
    facts: dict[int, dict[str, Any]] = {}
    by_country = {code: country_risk(code) for code in set(countries.values())}
    for sid, country in countries.items():
        crisk = by_country[country]
        held = best.get(sid, {})
        valid = frozenset(held)
        expiring = frozenset(s for s, until in held.items() if (until - today).days <= window)
        counts = findings.get(sid, {})
        answered = questionnaire.get(sid)
        screened = screening.get(sid) if screening is not None else None
        inputs[sid] = core_risk.SupplierRiskInputs(
            country=country,
            country_risk=crisk.score,
            designated_region=designated.get(sid),
            categories=categories[sid],
            valid_certificates=valid,
            expiring_certificates=expiring,
            open_findings_critical=counts.get("critical", 0),
            open_findings_major=counts.get("major", 0),
            open_findings_minor=counts.get("minor", 0),
            confirmed_matches=screened.confirmed if screened else frozenset(),
            open_screening_alerts=screened.open_alerts if screened else 0,
            questionnaire_score=answered[1] if answered else None,
        )
        if not with_facts:
            continue
        fact: dict[str, Any] = {"country": country, "country_risk": crisk.score, "country_basis": crisk.basis}
        if sid in designated:
            fact["designated_region"] = designated[sid]
        if held:
            fact["certificates"] = {s: until.isoformat() for s, until in sorted(held.items())}
        if counts:
            fact["open_findings"] = counts
        if answered:
            fact["questionnaire"] = {"response": answered[2], "status": answered[3], "score": answered[1]}
        fact["screening"] = (
            {"confirmed": sorted(screened.confirmed), "open_alerts": screened.open_alerts} if screened
            else ("not screened" if screening is not None else "screening module not installed")
        )
        facts[sid] = fact
    return inputs, facts


def _jsonable(value: Any) -> Any:
    """For json.dumps: sets (a driver's value may be one) become sorted lists; tuples are lists already."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def drivers_json(result: core_risk.SupplierRisk) -> list[list[Any]]:
    """Stored compactly as [name, value, points, detail] rows (SupplierRisk.driver_list gives them named)."""
    return [[d.name, d.value, d.points, d.detail] for d in result.drivers]


def _stored(ids: set[int] | None) -> dict[int, int]:
    """The digest of each stored score (see SupplierRisk.digest)."""
    rows = SupplierRisk.objects.order_by().values_list("supplier_id", "digest")
    return dict(_raw(rows, "supplier_id", ids))


def _store(results: dict[int, core_risk.SupplierRisk]) -> int:
    """Upsert the SupplierRisk rows that changed and copy score and band onto those suppliers. Returns how many."""
    now = bulk.Adapt().when(timezone.now())
    encode = json.JSONEncoder(default=_jsonable, check_circular=False).encode  # plain lists: no cycles to guard
    before = _stored(set(results))
    rows = []
    for sid, r in results.items():
        drivers = encode(drivers_json(r))
        digest = zlib.crc32(drivers.encode(), r.score)
        if before.get(sid) != digest:
            rows.append((sid, r.score, r.band, drivers, r.propagating_points, digest, now))
    fields = ["supplier", "score", "band", "drivers", "propagating_points", "digest", "computed_at"]
    bulk.upsert_rows(SupplierRisk, fields, rows, conflict="supplier")
    bulk.update_rows(Supplier, ["risk_score", "risk_band"], [(row[1], row[2], row[0]) for row in rows])
    return len(rows)


def risk_refresh(supplier_ids: Iterable[int]) -> dict[int, core_risk.SupplierRisk]:
    """Rescore the changed suppliers and all their buyers, up the tiers. Joins the caller's transaction."""
    changed = set(supplier_ids)
    if not changed:
        return {}
    targets = changed | supplier_graph.ancestors(changed)
    nodes, edges = supplier_graph.below(targets)
    inputs, _ = gather(nodes, timezone.localdate())
    targets &= set(inputs)  # a supplier deleted meanwhile has nothing to score
    results = core_risk.score_suppliers(inputs, edges, targets=targets)
    _store(results)
    return results


@transaction.atomic
def risk_recompute_all(*, actor: User | str | None) -> RecomputeSummary:
    """Rescore every supplier from scratch; one ledger entry with the count and the bands."""
    if isinstance(actor, User):
        require(actor, "suppliers.risk")
    marks = [time.perf_counter()]
    with bulk.paused_gc():
        inputs, _ = gather(None, timezone.localdate())
        graph = supplier_graph.full_graph()
        marks.append(time.perf_counter())
        results = core_risk.score_suppliers(inputs, graph)
        marks.append(time.perf_counter())
        written = _store(results)
        marks.append(time.perf_counter())
    bands = dict(Counter(r.band for r in results.values()))
    phases = {name: round(marks[i + 1] - marks[i], 2) for i, name in enumerate(("gather", "score", "store"))}
    seconds = round(marks[-1] - marks[0], 2)
    ledger_append(actor=actor or "system", action="supplier.risk_recompute", object_type="supplier", object_id="*",
                  summary={"suppliers": len(results), "changed": written, "bands": bands, "seconds": seconds})
    return RecomputeSummary(len(results), seconds, bands, phases)
