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

from collections.abc import Iterable
from typing import Any

from ._supplier_drivers import (
    _EMPTY,
    _category_group,
    _certificate_group,
    _country_group,
    _findings_group,
    _Group,
    _own_drivers,
    _questionnaire_group,
    _region_group,
    _screening_group,
)
from ._supplier_model import (
    DEFAULT_WEIGHTS,
    RiskDriver,
    RiskWeights,
    SupplierRisk,
    SupplierRiskInputs,
    UpstreamContribution,
    _round,
)


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
        by_country, by_region, by_category, by_certificate = self._profile(item)
        _, _, _, _, findings, answers = self.caches

        critical, major, minor = (
            item.open_findings_critical,
            item.open_findings_major,
            item.open_findings_minor,
        )
        if not (critical or major or minor):
            by_finding = _EMPTY
        elif type(critical) is type(major) is type(minor) is int:
            key: Any = (critical, major, minor)
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
        drivers = by_country[0] + by_region[0] + by_category[0] + by_certificate[0]
        points = by_country[1] + by_region[1] + by_category[1] + by_certificate[1]
        return (
            drivers + by_finding[0] + by_screening[0] + by_answer[0],
            points + by_finding[1] + by_screening[1] + by_answer[1],
            floor,
            floor_of,
            cause,
            by_country[2] + by_region[2] + by_finding[2] + by_screening[2],
            by_country[3] + by_region[3] + by_finding[3] + by_screening[3],
        )

    def _profile(self, item: SupplierRiskInputs) -> tuple[_Group, _Group, _Group, _Group]:
        """own's groups for what the supplier is: its country, designated region, categories, certificates."""
        w = self.w
        countries, regions, categories, certificates, _, _ = self.caches

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
        return by_country, by_region, by_category, by_certificate

    def add(self, own: _Own, upstream: list[RiskDriver], upstream_total: int) -> SupplierRisk:
        """The final score: own drivers, the upstream drivers (points > 0, summing to upstream_total),
        clipping. Clipping drivers are shared too, like the own ones (`upstream` is extended in place)."""
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
