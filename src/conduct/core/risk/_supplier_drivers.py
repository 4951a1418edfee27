"""A supplier's own drivers, in groups, one per kind of fact: country, designated region, categories,
certificates, findings, screening, questionnaire (always in this order)."""

from __future__ import annotations

from ._supplier_model import RiskDriver, RiskWeights, SupplierRiskInputs, _round

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
