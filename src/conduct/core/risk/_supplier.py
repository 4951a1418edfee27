"""Supplier risk 0-100, as a sum of named drivers so every point can be traced to a fact.

Drivers (default points in RiskWeights):
  country            country risk 0-100 x 0.30 (the caller looks it up in the country table)
  designated_region  +25 for a site in a designated region (e.g. UFLPA); the score stays >= 50 (high)
  labour_intensive   +8 when any category is labour-intensive; environmental +6 likewise
  certificate:<std>  SA8000 -6, ISO 45001 -4, ISO 14001 -3; half credit when expiring soon
  findings_<sev>     open audit findings: critical 15 each (cap 30), major 6 (cap 18), minor 1 (cap 5)
  screening_confirmed +40 for a confirmed list match; the score stays >= 90 (critical)
  screening_alerts   5 per open potential match (cap 10)
  questionnaire      (100 - score) x 0.15, or +8 when not answered
  upstream           risk reaching the supplier from sub-suppliers (see propagate), capped at 30 in all

Drivers always add up to the score exactly: where the model clips (the upstream cap, the 0-100 range, the
floors for a confirmed screening match or a designated region), the clipping appears as a driver of its
own with the reason. Bands: low < 25 <= medium < 50 <= high < 75 <= critical.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

LABOUR_INTENSIVE_CATEGORIES = frozenset(
    {"electronics_assembly", "pcb", "plastics", "metals", "textiles", "packaging", "raw_materials"}
)
ENVIRONMENTAL_CATEGORIES = frozenset({"chemicals", "pcb", "metals", "plastics", "semiconductors"})

SA8000 = "SA8000"
ISO_45001 = "ISO 45001"
ISO_14001 = "ISO 14001"

# Drivers whose points a supplier passes on to its buyers (see propagate): facts about where and how the
# goods are made, not mitigations or paperwork. "country" passes on only at or above high_country_risk.
PROPAGATING_DRIVERS = frozenset({"country", "designated_region", "screening_confirmed", "findings_critical"})


@dataclass(frozen=True, kw_only=True, slots=True)
class RiskWeights:
    """The tunable part of the model: points per driver, caps, bands and category sets."""

    country_factor: float = 0.30  # points per point of country risk (0-100) -> up to 30
    high_country_risk: float = 60.0  # country risk from which the country driver propagates upstream
    designated_region: int = 25
    designated_region_floor: int = 50  # presumption of forced labour (e.g. UFLPA): at least "high"
    labour_intensive: int = 8
    environmental: int = 6
    certificate_credits: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({SA8000: 6, ISO_45001: 4, ISO_14001: 3}), hash=False
    )
    finding_critical: int = 15
    finding_critical_cap: int = 30
    finding_major: int = 6
    finding_major_cap: int = 18
    finding_minor: int = 1
    finding_minor_cap: int = 5
    screening_confirmed: int = 40
    screening_confirmed_floor: int = 90  # a confirmed match keeps the score at least this high
    screening_alert: int = 5
    screening_alert_cap: int = 10
    questionnaire_factor: float = 0.15  # points per point short of 100 -> up to 15
    questionnaire_missing: int = 8
    upstream_cap: int = 30
    medium_from: int = 25
    high_from: int = 50
    critical_from: int = 75
    labour_intensive_categories: frozenset[str] = LABOUR_INTENSIVE_CATEGORIES
    environmental_categories: frozenset[str] = ENVIRONMENTAL_CATEGORIES
    propagating_drivers: frozenset[str] = PROPAGATING_DRIVERS

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, int | float) and (value < 0 or not math.isfinite(value)):
                raise ValueError(f"RiskWeights.{name} must be a finite number >= 0, got {value!r}")
        if any(credit < 0 for credit in self.certificate_credits.values()):
            raise ValueError("RiskWeights.certificate_credits must be >= 0 (they are subtracted)")
        if max(self.screening_confirmed_floor, self.designated_region_floor) > 100:
            raise ValueError("RiskWeights floors must be <= 100")
        if not 0 < self.medium_from < self.high_from < self.critical_from <= 100:
            raise ValueError(
                "RiskWeights bands must satisfy 0 < medium_from < high_from < critical_from <= 100"
            )

    def band(self, score: int) -> str:
        if score >= self.critical_from:
            return "critical"
        if score >= self.high_from:
            return "high"
        if score >= self.medium_from:
            return "medium"
        return "low"


DEFAULT_WEIGHTS = RiskWeights()


@dataclass(frozen=True, kw_only=True, slots=True)
class UpstreamContribution:
    """Risk reaching a buyer from a sub-supplier `distance` tiers down, via `path` (first hop .. source)."""

    source_id: Hashable
    distance: int
    path: tuple[Hashable, ...]
    source_points: float  # the source's propagating points
    points: float  # source_points x decay ** distance
    reason: str  # what the source's points are for

    @property
    def detail(self) -> str:
        via = " -> ".join(str(node) for node in self.path)
        return (
            f"sub-supplier {self.source_id} at distance {self.distance} (via {via}): {self.reason}; "
            f"{self.source_points:.4g} x decay^{self.distance} = {self.points:.4g}"
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class SupplierRiskInputs:
    """What the model knows about one supplier; the caller looks the numbers up (country table etc.)."""

    country: str = ""  # ISO 3166-1 alpha-2, for the explanation
    country_risk: float | None = None  # 0-100 from the country table (multiply a 0-1 index by 100)
    designated_region: str | None = None  # the designation, when a site is in a designated region
    categories: frozenset[str] = frozenset()
    valid_certificates: frozenset[str] = frozenset()  # e.g. {"SA8000", "ISO 45001"}
    expiring_certificates: frozenset[str] = frozenset()  # valid ones that expire soon: half credit
    open_findings_critical: int = 0
    open_findings_major: int = 0
    open_findings_minor: int = 0
    confirmed_matches: frozenset[str] = frozenset()  # list kinds of confirmed screening matches
    open_screening_alerts: int = 0  # potential matches not yet reviewed
    questionnaire_score: float | None = None  # 0-100, None when not answered
    upstream: tuple[UpstreamContribution, ...] = ()

    def __post_init__(self) -> None:
        if self.country_risk is not None and not 0 <= self.country_risk <= 100:
            raise ValueError(f"country_risk must be within 0-100, got {self.country_risk!r}")
        if self.questionnaire_score is not None and not 0 <= self.questionnaire_score <= 100:
            raise ValueError(f"questionnaire_score must be within 0-100, got {self.questionnaire_score!r}")
        for name in (
            "open_findings_critical",
            "open_findings_major",
            "open_findings_minor",
            "open_screening_alerts",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        stray = self.expiring_certificates - self.valid_certificates
        if stray:
            raise ValueError(
                f"expiring_certificates not among valid_certificates: {', '.join(sorted(stray))}"
            )


@dataclass(frozen=True, kw_only=True, slots=True)
class RiskDriver:
    """One reason for points: `name` is a stable id, `value` the fact, `detail` the sentence for people."""

    name: str
    value: Any  # the fact: a country risk, a designation, a count, a set of categories
    points: int  # may be negative (mitigations, clipping)
    detail: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SupplierRisk:
    """Score 0-100 (sum of the drivers' points), band, and what this supplier passes on to its buyers."""

    score: int
    band: str
    drivers: tuple[RiskDriver, ...]
    propagating_points: int = 0
    propagating_reasons: tuple[str, ...] = ()


def _round(value: float) -> int:
    """Half up, for non-negative values, so 2.5 is 3 as people expect (not banker's 2)."""
    return int(value + 0.5)


def supplier_risk(inputs: SupplierRiskInputs, *, weights: RiskWeights = DEFAULT_WEIGHTS) -> SupplierRisk:
    """Score one supplier; the drivers list every contribution, including clipping, and sum to the score."""
    drivers, propagating, reasons = _own_drivers(inputs, weights)
    return _finish(drivers, inputs.upstream, weights, propagating, tuple(reasons))


def add_upstream(
    own: SupplierRisk,
    upstream: Iterable[UpstreamContribution],
    *,
    weights: RiskWeights = DEFAULT_WEIGHTS,
) -> SupplierRisk:
    """The supplier's score with what reaches it from sub-suppliers (propagate's contributions).

    Same result as supplier_risk with `upstream` in the inputs, without recomputing the own drivers:
    upstream and clipping drivers of `own` are replaced, the rest kept.
    """
    kept = [
        driver
        for driver in own.drivers
        if driver.name not in _DERIVED_DRIVERS and not driver.name.startswith("floor:")
    ]
    return _finish(kept, upstream, weights, own.propagating_points, own.propagating_reasons)


_DERIVED_DRIVERS = frozenset({"upstream", "upstream_cap", "cap", "floor"})


def _own_drivers(inputs: SupplierRiskInputs, w: RiskWeights) -> tuple[list[RiskDriver], int, list[str]]:
    drivers: list[RiskDriver] = []
    add = drivers.append
    propagating = 0
    reasons: list[str] = []
    passes_on = w.propagating_drivers

    country_risk = inputs.country_risk
    if country_risk is not None:
        points = _round(country_risk * w.country_factor)
        where = inputs.country or "country"
        add(
            RiskDriver(
                name="country",
                value=country_risk,
                points=points,
                detail=f"{where} risk {country_risk:.4g}/100 x {w.country_factor:g}",
            )
        )
        if points and country_risk >= w.high_country_risk and "country" in passes_on:
            propagating += points
            reasons.append(f"high-risk country {where} ({country_risk:.4g}/100)")

    region = inputs.designated_region
    if region is not None:
        # Always listed, even at 0 points: the floor for designated regions keys on this driver.
        add(
            RiskDriver(
                name="designated_region",
                value=region,
                points=w.designated_region,
                detail=f"site in a designated region: {region}",
            )
        )
        if w.designated_region and "designated_region" in passes_on:
            propagating += w.designated_region
            reasons.append(f"designated region {region}")

    categories = inputs.categories
    if categories:
        labour = sorted(categories & w.labour_intensive_categories)
        if labour and w.labour_intensive:
            add(
                RiskDriver(
                    name="labour_intensive",
                    value=tuple(labour),
                    points=w.labour_intensive,
                    detail=f"labour-intensive category: {', '.join(labour)}",
                )
            )
        environmental = sorted(categories & w.environmental_categories)
        if environmental and w.environmental:
            add(
                RiskDriver(
                    name="environmental",
                    value=tuple(environmental),
                    points=w.environmental,
                    detail=f"environmentally sensitive category: {', '.join(environmental)}",
                )
            )

    if inputs.valid_certificates:
        for standard, credit in sorted(w.certificate_credits.items()):
            if not credit or standard not in inputs.valid_certificates:
                continue
            if standard in inputs.expiring_certificates:
                earned, note = credit // 2, f"half credit, expires soon (full credit {credit})"
            else:
                earned, note = credit, "valid"
            add(
                RiskDriver(
                    name=f"certificate:{standard}",
                    value="expiring" if earned != credit else "valid",
                    points=-earned,
                    detail=f"{standard} certificate {note}",
                )
            )

    for severity, count, per, cap in (
        ("critical", inputs.open_findings_critical, w.finding_critical, w.finding_critical_cap),
        ("major", inputs.open_findings_major, w.finding_major, w.finding_major_cap),
        ("minor", inputs.open_findings_minor, w.finding_minor, w.finding_minor_cap),
    ):
        if not count or not per:
            continue
        points = min(count * per, cap)
        capped = f", capped at {cap}" if count * per > cap else ""
        name = f"findings_{severity}"
        add(
            RiskDriver(
                name=name,
                value=count,
                points=points,
                detail=f"{count} open {severity} finding(s) x {per}{capped}",
            )
        )
        if name in passes_on:
            propagating += points
            reasons.append(f"{count} open {severity} audit finding(s)")

    if inputs.confirmed_matches:
        # Always listed, even at 0 points: the floor for confirmed matches keys on this driver.
        kinds = tuple(sorted(inputs.confirmed_matches))
        add(
            RiskDriver(
                name="screening_confirmed",
                value=kinds,
                points=w.screening_confirmed,
                detail=f"confirmed screening match: {', '.join(kinds)}",
            )
        )
        if w.screening_confirmed and "screening_confirmed" in passes_on:
            propagating += w.screening_confirmed
            reasons.append(f"confirmed screening match ({', '.join(kinds)})")
    alerts = inputs.open_screening_alerts
    if alerts and w.screening_alert:
        points = min(alerts * w.screening_alert, w.screening_alert_cap)
        capped = (
            f", capped at {w.screening_alert_cap}"
            if alerts * w.screening_alert > w.screening_alert_cap
            else ""
        )
        add(
            RiskDriver(
                name="screening_alerts",
                value=alerts,
                points=points,
                detail=f"{alerts} potential screening match(es) open x {w.screening_alert}{capped}",
            )
        )

    answered = inputs.questionnaire_score
    if answered is None:
        if w.questionnaire_missing:
            add(
                RiskDriver(
                    name="questionnaire",
                    value=None,
                    points=w.questionnaire_missing,
                    detail="no self-assessment questionnaire answered",
                )
            )
    else:
        points = _round((100 - answered) * w.questionnaire_factor)
        if points:
            add(
                RiskDriver(
                    name="questionnaire",
                    value=answered,
                    points=points,
                    detail=(
                        f"questionnaire score {answered:.4g}/100: "
                        f"(100 - {answered:.4g}) x {w.questionnaire_factor:g}"
                    ),
                )
            )
    return drivers, propagating, reasons


def _finish(
    drivers: list[RiskDriver],
    upstream: Iterable[UpstreamContribution],
    w: RiskWeights,
    propagating: int,
    reasons: tuple[str, ...],
) -> SupplierRisk:
    """Add upstream drivers, then clip (upstream cap, 0-100, floors), each clip as a driver."""
    add = drivers.append
    upstream_total = 0
    for contribution in upstream:
        points = _round(contribution.points)
        if points > 0:
            upstream_total += points
            add(
                RiskDriver(
                    name="upstream", value=contribution.source_id, points=points, detail=contribution.detail
                )
            )
    if upstream_total > w.upstream_cap:
        add(
            RiskDriver(
                name="upstream_cap",
                value=upstream_total,
                points=w.upstream_cap - upstream_total,
                detail=f"upstream contributions {upstream_total} capped at {w.upstream_cap}",
            )
        )

    raw = 0
    floor, floor_of, cause = 0, "", ""
    for driver in drivers:
        raw += driver.points
        name = driver.name
        if name == "designated_region" and w.designated_region_floor > floor:
            floor, floor_of, cause = w.designated_region_floor, name, "a site in a designated region"
        elif name == "screening_confirmed" and w.screening_confirmed_floor > floor:
            floor, floor_of, cause = w.screening_confirmed_floor, name, "a confirmed screening match"
    score = raw
    if raw > 100:
        add(RiskDriver(name="cap", value=raw, points=100 - raw, detail=f"sum of drivers {raw} capped at 100"))
        score = 100
    elif raw < 0:
        add(RiskDriver(name="floor", value=raw, points=-raw, detail=f"sum of drivers {raw} raised to 0"))
        score = 0
    # Floors: facts that by themselves call for at least this much attention, however well the rest
    # looks. Only the highest applicable floor applies, as one driver.
    if score < floor:
        add(
            RiskDriver(
                name=f"floor:{floor_of}",
                value=floor,
                points=floor - score,
                detail=f"{cause} keeps the score at least {floor}",
            )
        )
        score = floor
    return SupplierRisk(
        score=score,
        band=w.band(score),
        drivers=tuple(drivers),
        propagating_points=propagating,
        propagating_reasons=reasons,
    )
