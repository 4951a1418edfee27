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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Q
from django.db.models.functions import Cast
from django.utils import timezone

from conduct.apps.accounts.actors import SYSTEM, Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.suppliers import bulk, screening_port
from conduct.apps.suppliers import graph as supplier_graph
from conduct.apps.suppliers.conf import expiry_window_days, store_batch_size
from conduct.apps.suppliers.ledger import SupplierAction
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
    batches: int = 0  # transactions the scores were stored in


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
    if ids is not None and len(ids) <= _LOAD_ALL_ABOVE:
        yield from _filtered(qs, field, ids)
        return
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            if ids is None:
                yield from rows
            else:
                yield from (row for row in rows if row[0] in ids)


def _day(value: date | str) -> date:
    """A certificate date as read raw: ISO text on SQLite, a date on PostgreSQL."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _expiry_test(today: date, window: int) -> Callable[[date | str], bool]:
    """Whether a certificate valid until `until` expires within `window` days of today: (until - today).days
    <= window, which is until <= today + window (compared as ISO text when read as text)."""
    try:
        last = today + timedelta(days=window)
    except OverflowError:  # a window beyond the calendar: count the days
        return lambda until: (_day(until) - today).days <= window
    last_text = last.isoformat()
    return lambda until: until[:10] <= last_text if isinstance(until, str) else until <= last


def _own(ids: set[int] | None) -> tuple[dict[int, str], dict[int, frozenset[str]], dict[int, str]]:
    """Each supplier's country, categories and designated region (its own, or any of its sites')."""
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
        SupplierSite.objects.exclude(designated_region="")
        .order_by()
        .values_list("supplier_id", "designated_region"),
        "supplier_id",
        ids,
    ):
        designated.setdefault(sid, region)

    return countries, categories, designated


def _best_certificates(ids: set[int] | None, today: date) -> dict[int, dict[str, Any]]:
    # The latest expiry per (supplier, credited standard) among certificates valid today. Read raw, as dates
    # on
    # PostgreSQL and on SQLite as the ISO text stored (compared as text: same order as the dates). SQLite's
    # driver
    # would parse every value of a column declared "date" (Django registers the converter); an expression has
    # no
    # declared type, so CAST(... AS text) hands the text over as it is.
    best: dict[int, dict[str, Any]] = {}
    until_column = Cast("valid_until", CharField()) if connection.vendor == "sqlite" else F("valid_until")
    certs = (
        Certificate.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            supplier__isnull=False,
            withdrawn_at__isnull=True,
            valid_until__gte=today,
            standard__in=CREDITED,
        )
        .order_by()
        .annotate(until=until_column)
        .values_list("supplier_id", "standard", "until")
    )
    for sid, standard, until in _raw(certs, "supplier_id", ids):
        held = best.get(sid)
        if held is None:
            best[sid] = {standard: until}
        elif standard not in held or until > held[standard]:
            held[standard] = until

    return best


def _open_findings(ids: set[int] | None) -> dict[int, dict[str, int]]:
    findings: dict[int, dict[str, int]] = defaultdict(dict)
    open_findings = (
        Finding.objects.filter(is_open=True, supplier__isnull=False)
        .values("supplier_id", "severity")
        .annotate(n=Count("id"))
        .values_list("supplier_id", "severity", "n")
        .order_by()
    )
    for sid, severity, n in _filtered(open_findings, "supplier_id", ids):
        findings[sid][severity] = n

    return findings


def _questionnaires(ids: set[int] | None) -> dict[int, tuple[int, float, int, str]]:
    # Accepted answers count; submitted ones (awaiting review) count until an accepted one exists.
    questionnaire: dict[int, tuple[int, float, int, str]] = {}
    responses = (
        QuestionnaireResponse.objects.filter(
            status__in=[ResponseStatus.ACCEPTED, ResponseStatus.SUBMITTED], score__isnull=False
        )
        .order_by()
        .values_list("supplier_id", "status", "score", "id")
    )
    for sid, status, score, rid in _filtered(responses, "supplier_id", ids):
        rank = 2 if status == ResponseStatus.ACCEPTED else 1
        held_q = questionnaire.get(sid)
        if held_q is None or (rank, rid) > (held_q[0], held_q[2]):
            questionnaire[sid] = (rank, score, rid, status)

    return questionnaire


def _fact(
    country: str,
    crisk: Any,
    designated: str | None,
    held: dict[str, Any] | None,
    counts: dict[str, int],
    answered: tuple[int, float, int, str] | None,
    screened: screening_port.SupplierScreening | None,
    screening: dict[int, screening_port.SupplierScreening] | None,
) -> dict[str, Any]:
    """The facts behind one supplier's drivers, as plain data (shown with its risk)."""
    fact: dict[str, Any] = {"country": country, "country_risk": crisk.score, "country_basis": crisk.basis}
    if designated:
        fact["designated_region"] = designated
    if held:
        fact["certificates"] = {s: _day(until).isoformat() for s, until in sorted(held.items())}
    if counts:
        fact["open_findings"] = counts
    if answered:
        fact["questionnaire"] = {"response": answered[2], "status": answered[3], "score": answered[1]}
    fact["screening"] = (
        {"confirmed": sorted(screened.confirmed), "open_alerts": screened.open_alerts}
        if screened
        else ("not screened" if screening is not None else "screening module not installed")
    )
    return fact


def gather(
    ids: set[int] | None, today: date, *, with_facts: bool = False
) -> tuple[dict[int, core_risk.SupplierRiskInputs], dict[int, dict[str, Any]]]:
    """The model's inputs for `ids` (None: every supplier), and with_facts the facts behind them as plain
    data."""
    window = expiry_window_days()
    countries, categories, designated = _own(ids)
    best = _best_certificates(ids, today)
    findings = _open_findings(ids)
    questionnaire = _questionnaires(ids)
    screening = screening_port.screening_for(countries) if screening_port.available() else None

    inputs: dict[int, core_risk.SupplierRiskInputs] = {}
    facts: dict[int, dict[str, Any]] = {}
    by_country = {code: country_risk(code) for code in set(countries.values())}
    expires_soon = _expiry_test(today, window)
    nothing: frozenset[str] = frozenset()
    no_findings: dict[str, int] = {}
    for sid, country in countries.items():
        crisk = by_country[country]
        held = best.get(sid)
        if held:
            valid = frozenset(held)
            soon = [standard for standard, until in held.items() if expires_soon(until)]
            expiring = frozenset(soon) if soon else nothing
        else:
            valid = expiring = nothing
        # Most suppliers have no findings, answers, screening results or designated sites: skip empty lookups.
        counts = findings.get(sid, no_findings) if findings else no_findings
        answered = questionnaire.get(sid) if questionnaire else None
        screened = screening.get(sid) if screening else None
        inputs[sid] = core_risk.SupplierRiskInputs(
            country=country,
            country_risk=crisk.score,
            designated_region=designated.get(sid) if designated else None,
            categories=categories[sid],
            valid_certificates=valid,
            expiring_certificates=expiring,
            open_findings_critical=counts.get("critical", 0),
            open_findings_major=counts.get("major", 0),
            open_findings_minor=counts.get("minor", 0),
            confirmed_matches=screened.confirmed if screened else nothing,
            open_screening_alerts=screened.open_alerts if screened else 0,
            questionnaire_score=answered[1] if answered else None,
        )
        if with_facts:
            facts[sid] = _fact(
                country, crisk, designated.get(sid), held, counts, answered, screened, screening
            )
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


class _DriversText:
    """The JSON text of drivers_json(result), as json.JSONEncoder(default=_jsonable) writes it, built from
    each driver's row text: core.risk shares driver objects between results (a country, a certificate set,
    an upstream contribution reaching several buyers), so each distinct driver is encoded once. A list
    encodes as its items' texts joined by ", " in brackets."""

    def __init__(self) -> None:
        self.encode = json.JSONEncoder(
            default=_jsonable, check_circular=False
        ).encode  # plain lists: no cycles
        self.known: dict[int, str] = {}  # id(driver) -> its row's text
        self.held: list[
            core_risk.RiskDriver
        ] = []  # the drivers in `known`, held so that their ids stay unique

    def __call__(self, result: core_risk.SupplierRisk) -> str:
        known = self.known.get
        return "[" + ", ".join([known(id(driver)) or self.learn(driver) for driver in result.drivers]) + "]"

    def learn(self, driver: core_risk.RiskDriver) -> str:
        self.held.append(driver)
        text = self.known[id(driver)] = self.row(driver)
        return text

    def row(self, driver: core_risk.RiskDriver) -> str:
        name, value, points, detail = driver.name, driver.value, driver.points, driver.detail
        if type(name) is str and type(points) is int and type(detail) is str:
            # The encoder's own rules for these exact types (str: ensure_ascii quoting; int: int.__repr__).
            if type(value) is int:
                fact = int.__repr__(value)
            elif type(value) is str:
                fact = _quote(value)
            elif value is None:
                fact = "null"
            else:
                return self.encode([name, value, points, detail])
            return f"[{_quote(name)}, {fact}, {int.__repr__(points)}, {_quote(detail)}]"
        return self.encode([name, value, points, detail])


_quote = json.encoder.encode_basestring_ascii  # what JSONEncoder uses for strings (ensure_ascii, the default)


def _changed_rows(results: dict[int, core_risk.SupplierRisk]) -> list[tuple[Any, ...]]:
    """The SupplierRisk rows whose stored digest differs from the new result's (nothing is written here)."""
    now = bulk.Adapt().when(timezone.now())
    text_of = _DriversText()
    before = _stored(set(results))
    rows = []
    for sid, r in results.items():
        drivers = text_of(r)
        digest = zlib.crc32(drivers.encode(), r.score)
        if before.get(sid) != digest:
            rows.append((sid, r.score, r.band, drivers, r.propagating_points, digest, now))
    return rows


def _write(rows: list[tuple[Any, ...]]) -> None:
    """Upsert the SupplierRisk rows and copy score and band onto those suppliers."""
    fields = ["supplier", "score", "band", "drivers", "propagating_points", "digest", "computed_at"]
    bulk.upsert_rows(SupplierRisk, fields, rows, conflict="supplier")
    bulk.update_rows(Supplier, ["risk_score", "risk_band"], [(row[1], row[2], row[0]) for row in rows])


def _store(results: dict[int, core_risk.SupplierRisk]) -> int:
    """Store the scores that changed, in the caller's transaction. Returns how many."""
    rows = _changed_rows(results)
    _write(rows)
    return len(rows)


def _store_in_batches(rows: list[tuple[Any, ...]], since: datetime, size: int) -> tuple[int, int]:
    """Store the rows `size` suppliers per transaction, so that a write waiting for the database's one writer
    (SQLite) waits for one batch, not the whole recompute. A supplier rescored by an interactive change since
    `since` (when the facts were read) keeps that newer score. Returns (rows written, batches)."""
    written = batches = 0
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        with transaction.atomic():
            newer = set(
                SupplierRisk.objects.filter(
                    supplier_id__in=[row[0] for row in chunk], computed_at__gt=since
                ).values_list("supplier_id", flat=True)
            )
            fresh = [row for row in chunk if row[0] not in newer] if newer else chunk
            _write(fresh)
        written += len(fresh)
        batches += 1
    return written, batches


def risk_refresh(supplier_ids: Iterable[int]) -> dict[int, core_risk.SupplierRisk]:
    """Rescore the changed suppliers and all their buyers, up the tiers. Joins the caller's transaction."""
    changed = {i for i in supplier_ids if i is not None}  # an own site's record names no supplier
    if not changed:
        return {}
    targets = changed | supplier_graph.ancestors(changed)
    nodes, edges = supplier_graph.below(targets)
    inputs, _ = gather(nodes, timezone.localdate())
    targets &= set(inputs)  # a supplier deleted meanwhile has nothing to score
    results = core_risk.score_suppliers(inputs, edges, targets=targets)
    _store(results)
    return results


def risk_recompute_all(*, actor: Actor = SYSTEM, batch_size: int | None = None) -> RecomputeSummary:
    """Rescore every supplier from scratch; one ledger entry with the count and the bands.

    Facts are read and scored outside any transaction; the changed scores are stored in batches of
    `batch_size` (settings RISK_STORE_BATCH, default 500) suppliers, each its own transaction, and the ledger
    entry that summarises the whole recompute is written last, in its own."""
    authorize(actor, "suppliers.risk")
    size = max(1, batch_size or store_batch_size())
    since = timezone.now()
    marks = [time.perf_counter()]
    with bulk.paused_gc():
        inputs, _ = gather(None, timezone.localdate())
        graph = supplier_graph.full_graph()
        marks.append(time.perf_counter())
        results = core_risk.score_suppliers(inputs, graph)
        marks.append(time.perf_counter())
        written, batches = _store_in_batches(_changed_rows(results), since, size)
        marks.append(time.perf_counter())
    bands = dict(Counter(r.band for r in results.values()))
    phases = {name: round(marks[i + 1] - marks[i], 2) for i, name in enumerate(("gather", "score", "store"))}
    seconds = round(marks[-1] - marks[0], 2)
    with transaction.atomic():
        ledger_append(
            actor=actor,
            action=SupplierAction.RISK_RECOMPUTE,
            object_type="supplier",
            object_id="*",
            summary={"suppliers": len(results), "changed": written, "bands": bands, "seconds": seconds},
        )
    return RecomputeSummary(len(results), seconds, bands, phases, batches)
