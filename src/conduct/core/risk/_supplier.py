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


# Own drivers come in groups, one per kind of fact, always in this order: country, designated region,
# categories, certificates, findings, screening, questionnaire. A group is (its drivers, their points, the
# points it passes on to buyers, the reasons for those). Groups depend on a few inputs each, so a bulk run
# (_OwnScorer) builds each distinct one once.
_Group = tuple[tuple[RiskDriver, ...], int, int, tuple[str, ...]]
_EMPTY: _Group = ((), 0, 0, ())


def _group(drivers: list[RiskDriver], propagating: int = 0, reasons: tuple[str, ...] = ()) -> _Group:
    return (tuple(drivers), sum(driver.points for driver in drivers), propagating, reasons)


def _country_group(country: str, country_risk: float | None, w: RiskWeights) -> _Group:
    if country_risk is None:
        return _EMPTY
    points = _round(country_risk * w.country_factor)
    where = country or "country"
    driver = RiskDriver(
        name="country",
        value=country_risk,
        points=points,
        detail=f"{where} risk {country_risk:.4g}/100 x {w.country_factor:g}",
    )
    if points and country_risk >= w.high_country_risk and "country" in w.propagating_drivers:
        return _group([driver], points, (f"high-risk country {where} ({country_risk:.4g}/100)",))
    return _group([driver])


def _region_group(region: str | None, w: RiskWeights) -> _Group:
    if region is None:
        return _EMPTY
    # Always listed, even at 0 points: the floor for designated regions keys on this driver.
    driver = RiskDriver(
        name="designated_region",
        value=region,
        points=w.designated_region,
        detail=f"site in a designated region: {region}",
    )
    if w.designated_region and "designated_region" in w.propagating_drivers:
        return _group([driver], w.designated_region, (f"designated region {region}",))
    return _group([driver])


def _category_group(categories: frozenset[str], w: RiskWeights) -> _Group:
    if not categories:
        return _EMPTY
    drivers: list[RiskDriver] = []
    labour = sorted(categories & w.labour_intensive_categories)
    if labour and w.labour_intensive:
        drivers.append(
            RiskDriver(
                name="labour_intensive",
                value=tuple(labour),
                points=w.labour_intensive,
                detail=f"labour-intensive category: {', '.join(labour)}",
            )
        )
    environmental = sorted(categories & w.environmental_categories)
    if environmental and w.environmental:
        drivers.append(
            RiskDriver(
                name="environmental",
                value=tuple(environmental),
                points=w.environmental,
                detail=f"environmentally sensitive category: {', '.join(environmental)}",
            )
        )
    return _group(drivers)


def _certificate_group(valid: frozenset[str], expiring: frozenset[str], w: RiskWeights) -> _Group:
    if not valid:
        return _EMPTY
    drivers: list[RiskDriver] = []
    for standard, credit in sorted(w.certificate_credits.items()):
        if not credit or standard not in valid:
            continue
        if standard in expiring:
            earned, note = credit // 2, f"half credit, expires soon (full credit {credit})"
        else:
            earned, note = credit, "valid"
        drivers.append(
            RiskDriver(
                name=f"certificate:{standard}",
                value="expiring" if earned != credit else "valid",
                points=-earned,
                detail=f"{standard} certificate {note}",
            )
        )
    return _group(drivers)


def _findings_group(critical: int, major: int, minor: int, w: RiskWeights) -> _Group:
    drivers: list[RiskDriver] = []
    propagating = 0
    reasons: list[str] = []
    for severity, count, per, cap in (
        ("critical", critical, w.finding_critical, w.finding_critical_cap),
        ("major", major, w.finding_major, w.finding_major_cap),
        ("minor", minor, w.finding_minor, w.finding_minor_cap),
    ):
        if not count or not per:
            continue
        points = min(count * per, cap)
        capped = f", capped at {cap}" if count * per > cap else ""
        name = f"findings_{severity}"
        drivers.append(
            RiskDriver(
                name=name,
                value=count,
                points=points,
                detail=f"{count} open {severity} finding(s) x {per}{capped}",
            )
        )
        if name in w.propagating_drivers:
            propagating += points
            reasons.append(f"{count} open {severity} audit finding(s)")
    return _group(drivers, propagating, tuple(reasons))


def _screening_group(confirmed: frozenset[str], alerts: int, w: RiskWeights) -> _Group:
    drivers: list[RiskDriver] = []
    propagating = 0
    reasons: tuple[str, ...] = ()
    if confirmed:
        # Always listed, even at 0 points: the floor for confirmed matches keys on this driver.
        kinds = tuple(sorted(confirmed))
        drivers.append(
            RiskDriver(
                name="screening_confirmed",
                value=kinds,
                points=w.screening_confirmed,
                detail=f"confirmed screening match: {', '.join(kinds)}",
            )
        )
        if w.screening_confirmed and "screening_confirmed" in w.propagating_drivers:
            propagating = w.screening_confirmed
            reasons = (f"confirmed screening match ({', '.join(kinds)})",)
    if alerts and w.screening_alert:
        points = min(alerts * w.screening_alert, w.screening_alert_cap)
        capped = (
            f", capped at {w.screening_alert_cap}"
            if alerts * w.screening_alert > w.screening_alert_cap
            else ""
        )
        drivers.append(
            RiskDriver(
                name="screening_alerts",
                value=alerts,
                points=points,
                detail=f"{alerts} potential screening match(es) open x {w.screening_alert}{capped}",
            )
        )
    return _group(drivers, propagating, reasons)


def _questionnaire_group(answered: float | None, w: RiskWeights) -> _Group:
    if answered is None:
        if not w.questionnaire_missing:
            return _EMPTY
        return _group(
            [
                RiskDriver(
                    name="questionnaire",
                    value=None,
                    points=w.questionnaire_missing,
                    detail="no self-assessment questionnaire answered",
                )
            ]
        )
    points = _round((100 - answered) * w.questionnaire_factor)
    if not points:
        return _EMPTY
    return _group(
        [
            RiskDriver(
                name="questionnaire",
                value=answered,
                points=points,
                detail=(
                    f"questionnaire score {answered:.4g}/100: "
                    f"(100 - {answered:.4g}) x {w.questionnaire_factor:g}"
                ),
            )
        ]
    )


def _groups(inputs: SupplierRiskInputs, w: RiskWeights) -> tuple[_Group, ...]:
    return (
        _country_group(inputs.country, inputs.country_risk, w),
        _region_group(inputs.designated_region, w),
        _category_group(inputs.categories, w),
        _certificate_group(inputs.valid_certificates, inputs.expiring_certificates, w),
        _findings_group(
            inputs.open_findings_critical, inputs.open_findings_major, inputs.open_findings_minor, w
        ),
        _screening_group(inputs.confirmed_matches, inputs.open_screening_alerts, w),
        _questionnaire_group(inputs.questionnaire_score, w),
    )


def _own_drivers(inputs: SupplierRiskInputs, w: RiskWeights) -> tuple[list[RiskDriver], int, list[str]]:
    drivers: list[RiskDriver] = []
    propagating = 0
    reasons: list[str] = []
    for group_drivers, _, passed_on, why in _groups(inputs, w):
        drivers.extend(group_drivers)
        propagating += passed_on
        reasons.extend(why)
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
        add(_upstream_cap(upstream_total, w))

    raw = 0
    floor, floor_of, cause = 0, "", ""
    for driver in drivers:
        raw += driver.points
        name = driver.name
        if name == "designated_region" and w.designated_region_floor > floor:
            floor, floor_of, cause = w.designated_region_floor, name, _FLOOR_CAUSES[name]
        elif name == "screening_confirmed" and w.screening_confirmed_floor > floor:
            floor, floor_of, cause = w.screening_confirmed_floor, name, _FLOOR_CAUSES[name]
    score = _clip(drivers, raw, floor, floor_of, cause)
    return SupplierRisk(
        score=score,
        band=w.band(score),
        drivers=tuple(drivers),
        propagating_points=propagating,
        propagating_reasons=reasons,
    )


_FLOOR_CAUSES = {
    "designated_region": "a site in a designated region",
    "screening_confirmed": "a confirmed screening match",
}


def _upstream_cap(upstream_total: int, w: RiskWeights) -> RiskDriver:
    return RiskDriver(
        name="upstream_cap",
        value=upstream_total,
        points=w.upstream_cap - upstream_total,
        detail=f"upstream contributions {upstream_total} capped at {w.upstream_cap}",
    )


def _clip(drivers: list[RiskDriver], raw: int, floor: int, floor_of: str, cause: str) -> int:
    """The score for drivers summing to `raw`: clipped to 0-100, then raised to `floor`; each clip is appended
    to `drivers` as a driver of its own."""
    score = raw
    if raw > 100:
        drivers.append(
            RiskDriver(name="cap", value=raw, points=100 - raw, detail=f"sum of drivers {raw} capped at 100")
        )
        score = 100
    elif raw < 0:
        drivers.append(
            RiskDriver(name="floor", value=raw, points=-raw, detail=f"sum of drivers {raw} raised to 0")
        )
        score = 0
    # Floors: facts that by themselves call for at least this much attention, however well the rest
    # looks. Only the highest applicable floor applies, as one driver.
    if score < floor:
        drivers.append(
            RiskDriver(
                name=f"floor:{floor_of}",
                value=floor,
                points=floor - score,
                detail=f"{cause} keeps the score at least {floor}",
            )
        )
        score = floor
    return score


_PLAIN_NUMBERS = (int, float)

# A supplier's own part in a bulk run: its drivers before any clipping, their points, the floor that applies
# (points, name of the driver it keys on, cause), and what it passes on to its buyers (points, reasons).
_Own = tuple[tuple[RiskDriver, ...], int, int, str, str, int, tuple[str, ...]]


class _OwnScorer:
    """supplier_risk and add_upstream for many suppliers at once, with identical results.

    Suppliers share countries, category sets, certificate sets and so on, so each group of drivers is built
    once per distinct set of facts and the RiskDriver objects are shared (they are immutable). Only facts of
    exactly str, int, float or frozenset are cached, numbers by type and value and never a zero: equal values
    must print alike (50 and 50.0 do not, nor 0.0 and -0.0).
    """

    def __init__(self, weights: RiskWeights) -> None:
        self.w = weights
        self.caches: tuple[dict[Any, _Group], ...] = tuple({} for _ in range(6))
        self.no_questionnaire = _questionnaire_group(None, weights)
        self.bands = [weights.band(score) for score in range(101)]  # a final score is 0-100
        self.upstream_caps: dict[int, RiskDriver] = {}
        self.clips: dict[tuple[int, int, str], tuple[int, tuple[RiskDriver, ...]]] = {}

    def own(self, item: SupplierRiskInputs) -> _Own:
        """The supplier's own drivers (upstream in the inputs is ignored: it comes from add)."""
        w = self.w
        countries, regions, categories, certificates, findings, answers = self.caches

        country, risk = item.country, item.country_risk
        if risk is None:
            by_country = _EMPTY
        elif risk and type(risk) in _PLAIN_NUMBERS and type(country) is str:
            key: Any = (country, type(risk), risk)
            by_country = countries.get(key) or countries.setdefault(key, _country_group(country, risk, w))
        else:
            by_country = _country_group(country, risk, w)

        region = item.designated_region
        if region is None:
            by_region = _EMPTY
        elif type(region) is str:
            by_region = regions.get(region) or regions.setdefault(region, _region_group(region, w))
        else:
            by_region = _region_group(region, w)

        cats = item.categories
        if not cats:
            by_category = _EMPTY
        elif type(cats) is frozenset:
            by_category = categories.get(cats) or categories.setdefault(cats, _category_group(cats, w))
        else:
            by_category = _category_group(cats, w)

        valid, expiring = item.valid_certificates, item.expiring_certificates
        if not valid:
            by_certificate = _EMPTY
        elif type(valid) is frozenset and type(expiring) is frozenset:
            key = (valid, expiring)
            by_certificate = certificates.get(key) or certificates.setdefault(
                key, _certificate_group(valid, expiring, w)
            )
        else:
            by_certificate = _certificate_group(valid, expiring, w)

        critical, major, minor = (
            item.open_findings_critical,
            item.open_findings_major,
            item.open_findings_minor,
        )
        if not (critical or major or minor):
            by_finding = _EMPTY
        elif type(critical) is type(major) is type(minor) is int:
            key = (critical, major, minor)
            by_finding = findings.get(key) or findings.setdefault(
                key, _findings_group(critical, major, minor, w)
            )
        else:
            by_finding = _findings_group(critical, major, minor, w)

        confirmed, alerts = item.confirmed_matches, item.open_screening_alerts
        by_screening = _EMPTY if not (confirmed or alerts) else _screening_group(confirmed, alerts, w)

        answered = item.questionnaire_score
        if answered is None:
            by_answer = self.no_questionnaire
        elif answered and type(answered) in _PLAIN_NUMBERS:
            key = (type(answered), answered)
            by_answer = answers.get(key) or answers.setdefault(key, _questionnaire_group(answered, w))
        else:
            by_answer = _questionnaire_group(answered, w)

        floor, floor_of, cause = 0, "", ""
        if by_region[0] and w.designated_region_floor > floor:
            floor, floor_of = w.designated_region_floor, "designated_region"
            cause = _FLOOR_CAUSES[floor_of]
        if confirmed and w.screening_confirmed_floor > floor:
            floor, floor_of = w.screening_confirmed_floor, "screening_confirmed"
            cause = _FLOOR_CAUSES[floor_of]
        return (
            by_country[0]
            + by_region[0]
            + by_category[0]
            + by_certificate[0]
            + by_finding[0]
            + by_screening[0]
            + by_answer[0],
            by_country[1]
            + by_region[1]
            + by_category[1]
            + by_certificate[1]
            + by_finding[1]
            + by_screening[1]
            + by_answer[1],
            floor,
            floor_of,
            cause,
            by_country[2] + by_region[2] + by_finding[2] + by_screening[2],
            by_country[3] + by_region[3] + by_finding[3] + by_screening[3],
        )

    def add(self, own: _Own, upstream: list[RiskDriver], upstream_total: int) -> SupplierRisk:
        """The final score: own drivers, the upstream drivers (points > 0, summing to upstream_total),
        clipping.
        Clipping drivers are shared too, like the own ones (`upstream` is extended in place)."""
        drivers, raw, floor, floor_of, cause, propagating, reasons = own
        w = self.w
        if upstream_total > w.upstream_cap:
            capped = self.upstream_caps.get(upstream_total)
            if capped is None:
                capped = self.upstream_caps[upstream_total] = _upstream_cap(upstream_total, w)
            upstream.append(capped)
            raw += w.upstream_cap
        else:
            raw += upstream_total
        if raw > 100 or raw < 0 or raw < floor:
            key = (raw, floor, floor_of)
            clipped = self.clips.get(key)
            if clipped is None:
                clips: list[RiskDriver] = []
                clipped = self.clips[key] = (_clip(clips, raw, floor, floor_of, cause), tuple(clips))
            score = clipped[0]
            upstream.extend(clipped[1])
        else:
            score = raw
        return SupplierRisk(
            score=score,
            band=self.bands[score],
            drivers=drivers + tuple(upstream) if upstream else drivers,
            propagating_points=propagating,
            propagating_reasons=reasons,
        )
