"""conduct.apps.csvsafe: text a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from conduct.apps import csvsafe


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_gets_a_leading_apostrophe(text: str) -> None:
    assert csvsafe.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "", "a=b", 3, -3, 1.5, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert csvsafe.safe_cell(value) == value


def test_the_writer_escapes_every_cell() -> None:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "=cmd"])
    writer.writerows([["@x", -2], ["ok", "+1"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["name", "'=cmd"],
        ["'@x", "-2"],
        ["ok", "'+1"],
    ]
