"""FollowTheMoney JSON lines are bounded before they are parsed: nesting depth and line length."""

from __future__ import annotations

import pytest

from conduct.core.screening import ListFormatError, read_list
from conduct.core.screening.formats._common import JSON_MAX_DEPTH, json_depth

ENTITY = '{{"id": "{id}", "schema": "Person", "properties": {{"name": ["{name}"]{extra}}}}}\n'


def test_depth_counts_brackets_outside_strings_only():
    assert json_depth('{"a": [[1]], "b": "[[[[{{{{"}') == 3


def test_a_line_nesting_too_deep_is_refused_with_its_line(tmp_path):
    deep = ', "x": ' + "[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1)
    path = tmp_path / "deep.json"
    path.write_text(ENTITY.format(id="a", name="A", extra="") + ENTITY.format(id="b", name="B", extra=deep))
    with pytest.raises(ListFormatError) as caught:
        read_list(path)
    assert caught.value.line == 2 and "nests deeper" in caught.value.message


def test_a_first_line_nesting_far_too_deep_is_refused_while_detecting_the_format(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"schema": "Person", "properties": ' + "[" * 3000 + "\n")
    with pytest.raises(ListFormatError, match="nests deeper"):
        read_list(path)


def test_names_full_of_brackets_still_load(tmp_path):
    path = tmp_path / "brackets.json"
    path.write_text(ENTITY.format(id="a", name="[" * 100 + " Bracket Holdings", extra=""))
    assert read_list(path).entries[0].primary_name.endswith("Bracket Holdings")


def test_an_overlong_line_is_refused(tmp_path, monkeypatch):
    from conduct.core.screening.formats import _common

    monkeypatch.setattr(_common, "JSON_MAX_LINE_CHARS", 100)
    path = tmp_path / "long.json"
    path.write_text(ENTITY.format(id="a", name="A" * 200, extra=""))
    with pytest.raises(ListFormatError, match="longer than 100"):
        read_list(path)
