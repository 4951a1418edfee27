"""Supplier risk 0-100, as a sum of named drivers so every point can be traced to a fact.

Drivers always add up to the score exactly: where the model clips (the upstream cap, the 0-100 range, the
floor for a confirmed screening match), the clipping appears as a driver of its own with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
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
        if not 0 < self.medium_from < self.high_from < self.critical_from <= 100:
            raise ValueError("RiskWeights bands must satisfy 0 < medium_from < high_from < critical_from <= 100")

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
            f"{_fmt(self.source_points)} x decay^{self.distance} = {_fmt(self.points)}"
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
        for name in ("open_findings_critical", "open_findings_major", "open_findings_minor", "open_screening_alerts"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        stray = self.expiring_certificates - self.valid_certificates
        if stray:
            raise ValueError(f"expiring_certificates not among valid_certificates: {', '.join(sorted(stray))}")


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


def _fmt(number: float) -> str:
    return f"{number:g}" if number == int(number) else f"{number:.2f}"


def _round(value: float) -> int:
    """Half up, for non-negative values, so 2.5 is 3 as people expect (not banker's 2)."""
    return math.floor(value + 0.5)


def supplier_risk(inputs: SupplierRiskInputs, *, weights: RiskWeights = DEFAULT_WEIGHTS) -> SupplierRisk:
    """Score one supplier; the drivers list every contribution, including clipping, and sum to the score."""
    w = weights
    drivers: list[RiskDriver] = []
    add = drivers.append
    propagating = 0
    reasons: list[str] = []

    if inputs.country_risk is not None:
        points = _round(inputs.country_risk * w.country_factor)
        where = inputs.country or "country"
        add(
            RiskDriver(
                name="country",
                value=inputs.country_risk,
                points=points,
                detail=f"{where} risk {_fmt(inputs.country_risk)}/100 x {w.country_factor:g}",
            )
        )
        if "country" in w.propagating_drivers and inputs.country_risk >= w.high_country_risk and points:
            propagating += points
            reasons.append(f"high-risk country {where} ({_fmt(inputs.country_risk)}/100)")
    if inputs.designated_region is not None and w.designated_region:
        add(
            RiskDriver(
                name="designated_region",
                value=inputs.designated_region,
                points=w.designated_region,
                detail=f"site in a designated region: {inputs.designated_region}",
            )
        )
        if "designated_region" in w.propagating_drivers:
            propagating += w.designated_region
            reasons.append(f"designated region {inputs.designated_region}")

    labour = inputs.categories & w.labour_intensive_categories
    if labour and w.labour_intensive:
        add(
            RiskDriver(
                name="labour_intensive",
                value=tuple(sorted(labour)),
                points=w.labour_intensive,
                detail=f"labour-intensive category: {', '.join(sorted(labour))}",
            )
        )
    environmental = inputs.categories & w.environmental_categories
    if environmental and w.environmental:
        add(
            RiskDriver(
                name="environmental",
                value=tuple(sorted(environmental)),
                points=w.environmental,
                detail=f"environmentally sensitive category: {', '.join(sorted(environmental))}",
            )
        )

    for standard, credit in sorted(w.certificate_credits.items()):
        if standard not in inputs.valid_certificates or not credit:
            continue
        expiring = standard in inputs.expiring_certificates
        earned = credit // 2 if expiring else credit
        note = f"half credit, expires soon (full credit {credit})" if expiring else "valid"
        add(
            RiskDriver(
                name=f"certificate:{standard}",
                value="expiring" if expiring else "valid",
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
        add(RiskDriver(name=name, value=count, points=points, detail=f"{count} open {severity} finding(s) x {per}{capped}"))
        if name in w.propagating_drivers:
            propagating += points
            reasons.append(f"{count} open {severity} audit finding(s)")

    confirmed = bool(inputs.confirmed_matches)
    if confirmed:
        kinds = ", ".join(sorted(inputs.confirmed_matches))
        add(
            RiskDriver(
                name="screening_confirmed",
                value=tuple(sorted(inputs.confirmed_matches)),
                points=w.screening_confirmed,
                detail=f"confirmed screening match: {kinds}",
            )
        )
        if "screening_confirmed" in w.propagating_drivers:
            propagating += w.screening_confirmed
            reasons.append(f"confirmed screening match ({kinds})")
    if inputs.open_screening_alerts and w.screening_alert:
        count = inputs.open_screening_alerts
        points = min(count * w.screening_alert, w.screening_alert_cap)
        capped = f", capped at {w.screening_alert_cap}" if count * w.screening_alert > w.screening_alert_cap else ""
        add(
            RiskDriver(
                name="screening_alerts",
                value=count,
                points=points,
                detail=f"{count} potential screening match(es) open x {w.screening_alert}{capped}",
            )
        )

    if inputs.questionnaire_score is None:
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
        points = _round((100 - inputs.questionnaire_score) * w.questionnaire_factor)
        if points:
            add(
                RiskDriver(
                    name="questionnaire",
                    value=inputs.questionnaire_score,
                    points=points,
                    detail=(
                        f"questionnaire score {_fmt(inputs.questionnaire_score)}/100: "
                        f"(100 - {_fmt(inputs.questionnaire_score)}) x {w.questionnaire_factor:g}"
                    ),
                )
            )

    upstream_total = 0
    for contribution in inputs.upstream:
        points = _round(contribution.points)
        if points <= 0:
            continue
        upstream_total += points
        add(RiskDriver(name="upstream", value=contribution.source_id, points=points, detail=contribution.detail))
    if upstream_total > w.upstream_cap:
        add(
            RiskDriver(
                name="upstream_cap",
                value=upstream_total,
                points=w.upstream_cap - upstream_total,
                detail=f"upstream contributions {upstream_total} capped at {w.upstream_cap}",
            )
        )

    raw = sum(driver.points for driver in drivers)
    score = raw
    if raw > 100:
        add(RiskDriver(name="cap", value=raw, points=100 - raw, detail=f"sum of drivers {raw} capped at 100"))
        score = 100
    elif raw < 0:
        add(RiskDriver(name="floor", value=raw, points=-raw, detail=f"sum of drivers {raw} raised to 0"))
        score = 0
    if confirmed and score < w.screening_confirmed_floor:
        lift = w.screening_confirmed_floor - score
        add(
            RiskDriver(
                name="screening_floor",
                value=w.screening_confirmed_floor,
                points=lift,
                detail=f"a confirmed screening match keeps the score at least {w.screening_confirmed_floor}",
            )
        )
        score = w.screening_confirmed_floor
    return SupplierRisk(
        score=score,
        band=w.band(score),
        drivers=tuple(drivers),
        propagating_points=propagating,
        propagating_reasons=tuple(reasons),
    )
