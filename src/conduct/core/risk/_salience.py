"""UNGP salience of a human-rights risk: severity from scale, scope and irremediability, then likelihood.

Basis. UN Guiding Principles on Business and Human Rights, Principle 14 (commentary): the severity of an
impact is judged by its scale (how grave), scope (how many people) and irremediable character (how hard
to restore those affected). Principle 24: where responses must be prioritised, act first on the most
severe impacts, and on those where a delayed response would make them irremediable. The UNGP Reporting
Framework defines salient human-rights issues as those at risk of the most severe negative impact through
the company's activities or business relationships, and its guidance adds that likelihood matters, but
severity comes first, and that any one of the three characteristics can make an impact severe.

Formula (every input an integer 1-5):

* severity = max(round(mean(scale, scope, irremediability)), max(scale, scope, irremediability) - 1).
  The mean reflects the three characteristics together; the floor of "highest minus one" keeps one extreme
  characteristic from being averaged away (a grave, irremediable harm to few people stays severe).
  Halves cannot occur with a mean of three integers, so rounding is unambiguous.
* score (0-100) = 100 x (3 x (severity - 1) + (likelihood - 1)) / 16, rounded half up. Severity weighs
  three times as much as likelihood, so severity 5 at the lowest likelihood (75) outranks severity 3 at the
  highest (63): the ordering UNGP 24 asks for, rather than a symmetric severity x likelihood product.
* band: critical >= 80, high >= 55, medium >= 30, else low. Severity 5 is never below high; severity 1 is
  always low.
"""

from __future__ import annotations

from dataclasses import dataclass

SALIENCE_BANDS = (("critical", 80), ("high", 55), ("medium", 30), ("low", 0))

_MEANINGS = {
    "scale": "how grave the impact is for those affected",
    "scope": "how many people are or could be affected",
    "irremediability": "how hard it would be to restore those affected",
    "likelihood": "how likely the impact is to occur",
}


def _checked(name: str, value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValueError(f"{name} must be an integer from 1 to 5, got {value!r}")
    return value


def severity_of(*, scale: int, scope: int, irremediability: int) -> int:
    """Severity 1-5 by the module's formula."""
    dims = (_checked("scale", scale), _checked("scope", scope), _checked("irremediability", irremediability))
    rounded_mean = (2 * sum(dims) + 3) // 6  # round(sum / 3) half up, in integers
    return max(rounded_mean, max(dims) - 1)


def salience_score(*, severity: int, likelihood: int) -> int:
    """0-100; severity weighs three times likelihood."""
    units = 3 * (_checked("severity", severity) - 1) + (_checked("likelihood", likelihood) - 1)
    return (units * 100 + 8) // 16


def salience_band(score: int) -> str:
    for band, threshold in SALIENCE_BANDS:
        if score >= threshold:
            return band
    return "low"


@dataclass(frozen=True, kw_only=True, slots=True)
class Salience:
    """A rated risk: the inputs, the derived severity, score and band, and why."""

    scale: int
    scope: int
    irremediability: int
    likelihood: int
    severity: int
    score: int  # 0-100
    band: str  # low / medium / high / critical
    explanation: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class HeatmapCell:
    """One cell of the 5x5 severity/likelihood map; row 0 is severity 5 (top), column 0 likelihood 1."""

    severity: int
    likelihood: int
    score: int
    band: str
    row: int
    column: int


def heatmap_cell(*, severity: int, likelihood: int) -> HeatmapCell:
    score = salience_score(severity=severity, likelihood=likelihood)
    return HeatmapCell(
        severity=severity,
        likelihood=likelihood,
        score=score,
        band=salience_band(score),
        row=5 - severity,
        column=likelihood - 1,
    )


def heatmap() -> tuple[tuple[HeatmapCell, ...], ...]:
    """All 25 cells, rows from severity 5 down to 1, columns from likelihood 1 to 5."""
    return tuple(
        tuple(heatmap_cell(severity=severity, likelihood=likelihood) for likelihood in range(1, 6))
        for severity in range(5, 0, -1)
    )


def salience(*, scale: int, scope: int, irremediability: int, likelihood: int) -> Salience:
    """Rate one human-rights risk; the explanation lists each input and what it did to the result."""
    severity = severity_of(scale=scale, scope=scope, irremediability=irremediability)
    _checked("likelihood", likelihood)
    dims = {"scale": scale, "scope": scope, "irremediability": irremediability}
    mean = sum(dims.values()) / 3
    rounded_mean = (2 * sum(dims.values()) + 3) // 6
    top_name = max(dims, key=lambda name: dims[name])
    floor = dims[top_name] - 1
    cell = heatmap_cell(severity=severity, likelihood=likelihood)

    explanation = [f"{name} {value}/5 ({_MEANINGS[name]})" for name, value in dims.items()]
    if floor > rounded_mean:
        how = (
            f"the highest characteristic, {top_name} {dims[top_name]}, minus 1 = {floor}, "
            f"above the mean {mean:.2f} (rounded {rounded_mean}): one extreme characteristic is enough "
            "to make an impact severe"
        )
    else:
        how = f"the mean of scale, scope and irremediability, {mean:.2f}, rounded to {rounded_mean}"
    explanation.append(f"severity {severity}/5: {how}")
    explanation.append(
        f"likelihood {likelihood}/5 ({_MEANINGS['likelihood']}): weighs a third as much as severity"
    )
    threshold = dict(SALIENCE_BANDS)[cell.band]
    band_rule = f"{threshold} or more" if threshold else f"below {SALIENCE_BANDS[-2][1]}"
    explanation.append(
        f"salience {cell.score}/100 = 100 x (3 x (severity {severity} - 1) + (likelihood {likelihood} - 1)) "
        "/ 16"
        f" -> {cell.band} ({band_rule})"
    )
    return Salience(
        scale=scale,
        scope=scope,
        irremediability=irremediability,
        likelihood=likelihood,
        severity=severity,
        score=cell.score,
        band=cell.band,
        explanation=tuple(explanation),
    )
