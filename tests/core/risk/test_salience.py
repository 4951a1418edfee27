import pytest

from conduct.core.risk import heatmap, heatmap_cell, salience


def test_severity_is_the_rounded_mean_when_no_characteristic_stands_out():
    result = salience(scale=3, scope=4, irremediability=4, likelihood=3)
    assert result.severity == 4  # mean 3.67
    assert "the mean of scale, scope and irremediability, 3.67, rounded to 4" in result.explanation[3]


def test_one_extreme_characteristic_keeps_severity_high():
    # Grave and irremediable harm to few people: the mean (2.33) would hide it.
    result = salience(scale=5, scope=1, irremediability=1, likelihood=2)
    assert result.severity == 4
    assert "the highest characteristic, scale 5, minus 1 = 4" in result.explanation[3]


def test_severity_outweighs_likelihood():
    rare_but_severe = salience(scale=5, scope=5, irremediability=5, likelihood=1)
    likely_but_moderate = salience(scale=3, scope=3, irremediability=3, likelihood=5)
    assert rare_but_severe.score > likely_but_moderate.score
    assert (rare_but_severe.score, rare_but_severe.band) == (75, "high")
    assert (likely_but_moderate.score, likely_but_moderate.band) == (63, "high")


@pytest.mark.parametrize(
    ("inputs", "severity", "score", "band"),
    [
        ((1, 1, 1, 1), 1, 0, "low"),
        ((1, 1, 1, 5), 1, 25, "low"),
        ((2, 2, 2, 3), 2, 31, "medium"),
        ((3, 3, 3, 3), 3, 50, "medium"),
        ((4, 4, 4, 1), 4, 56, "high"),
        ((4, 4, 4, 5), 4, 81, "critical"),
        ((5, 5, 5, 2), 5, 81, "critical"),
        ((5, 5, 5, 5), 5, 100, "critical"),
    ],
)
def test_known_ratings(inputs, severity, score, band):
    scale, scope, irremediability, likelihood = inputs
    result = salience(scale=scale, scope=scope, irremediability=irremediability, likelihood=likelihood)
    assert (result.severity, result.score, result.band) == (severity, score, band)


def test_the_explanation_lists_every_input():
    result = salience(scale=4, scope=2, irremediability=5, likelihood=3)
    text = "\n".join(result.explanation)
    for fragment in (
        "scale 4/5",
        "scope 2/5",
        "irremediability 5/5",
        "likelihood 3/5",
        "severity 4/5",
        "salience",
    ):
        assert fragment in text


@pytest.mark.parametrize("field", ["scale", "scope", "irremediability", "likelihood"])
@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3"])
def test_inputs_outside_one_to_five_are_refused_by_name(field, bad):
    values = {"scale": 3, "scope": 3, "irremediability": 3, "likelihood": 3, field: bad}
    with pytest.raises(ValueError, match=f"{field} must be an integer from 1 to 5"):
        salience(**values)


def test_the_heatmap_cell_places_severity_top_down_and_likelihood_left_to_right():
    cell = heatmap_cell(severity=5, likelihood=1)
    assert (cell.row, cell.column, cell.score, cell.band) == (0, 0, 75, "high")
    cell = heatmap_cell(severity=1, likelihood=5)
    assert (cell.row, cell.column) == (4, 4)


def test_the_heatmap_agrees_with_salience_and_grows_monotonically():
    grid = heatmap()
    assert len(grid) == 5 and all(len(row) == 5 for row in grid)
    for row in grid:
        for cell in row:
            rated = salience(
                scale=cell.severity,
                scope=cell.severity,
                irremediability=cell.severity,
                likelihood=cell.likelihood,
            )
            assert (rated.score, rated.band) == (cell.score, cell.band)
        assert [cell.score for cell in row] == sorted(cell.score for cell in row)
    columns = list(zip(*grid, strict=True))
    for column in columns:
        assert [cell.score for cell in column] == sorted((cell.score for cell in column), reverse=True)
