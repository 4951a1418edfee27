"""The supplier risk model's vocabulary: the weights, what is known about a supplier, drivers and results.

See _supplier for the drivers and how they add up to the score.
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
        via = " -> ".join(map(str, self.path))
        return _upstream_detail(
            self.source_id, self.distance, via, self.reason, self.source_points, self.points
        )


def _upstream_detail(
    source_id: Hashable, distance: int, via: str, reason: str, source_points: float, points: float
) -> str:
    """UpstreamContribution.detail, for callers that have the parts without the object."""
    return (
        f"sub-supplier {source_id} at distance {distance} (via {via}): {reason}; "
        f"{source_points:.4g} x decay^{distance} = {points:.4g}"
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
        critical, major, minor, alerts = (
            self.open_findings_critical,
            self.open_findings_major,
            self.open_findings_minor,
            self.open_screening_alerts,
        )
        # The common case in one test (exact ints, none negative); the loop names the culprit otherwise.
        if not (
            type(critical) is type(major) is type(minor) is type(alerts) is int
            and critical >= 0
            and major >= 0
            and minor >= 0
            and alerts >= 0
        ):
            for name, value in zip(_COUNT_FIELDS, (critical, major, minor, alerts), strict=True):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        if self.expiring_certificates:
            stray = self.expiring_certificates - self.valid_certificates
            if stray:
                raise ValueError(
                    f"expiring_certificates not among valid_certificates: {', '.join(sorted(stray))}"
                )


_COUNT_FIELDS = (
    "open_findings_critical",
    "open_findings_major",
    "open_findings_minor",
    "open_screening_alerts",
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
